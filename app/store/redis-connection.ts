/** How each role connects to Redis. One place, so every connection is named and tuned on purpose. */
import { Redis, type RedisOptions } from 'ioredis';
import { explainRedisError, redisTlsOptions, type RedisEndpoint } from './redis-tls.js';

export type ConnectionRole = 'web' | 'web-subscriber' | 'web-queue' | 'worker' | 'worker-queue' | 'cli';

export interface ConnectOptions {
  /** @default true */
  readonly failFast?: boolean;
  /**
   * Told about the first connection error of each outage (the process logs it), not about every
   * reconnect attempt; ioredis keeps reconnecting regardless. A refused TLS certificate arrives
   * explained (redis-tls.ts).
   */
  readonly onError?: (error: Error) => void;
}

/**
 * Opens a connection that reconnects forever with a capped backoff: web and worker must survive a
 * Redis restart by themselves. `endpoint` is a URL, or a URL with the CA that every TLS connection
 * of the process verifies the server with (`loadRedisEndpoint`), so BullMQ's connections, which it
 * duplicates from these, use the same CA.
 *
 * `failFast` (default true) makes commands fail at once while disconnected, so an HTTP request
 * answers `503` instead of hanging; BullMQ's worker connections need the opposite (queue and retry).
 */
export function connectRedis(
  endpoint: string | RedisEndpoint,
  role: ConnectionRole,
  options: ConnectOptions = {},
): Redis {
  const target: RedisEndpoint = typeof endpoint === 'string' ? { url: endpoint } : endpoint;
  const tls = redisTlsOptions(target);
  const failFast = options.failFast ?? true;
  const settings: RedisOptions = {
    connectionName: `personalizedline-${role}`,
    enableOfflineQueue: !failFast,
    maxRetriesPerRequest: failFast ? 1 : null,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
    // The readiness check and the first request should not wait for a connect timeout of 10 s.
    connectTimeout: 5_000,
    lazyConnect: false,
    ...(tls === undefined ? {} : { tls }),
  };
  const redis = new Redis(target.url, settings);
  // Without a listener ioredis prints every reconnect failure as an unhandled 'error' event.
  let reported = false;
  redis.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    options.onError?.(explainRedisError(error));
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}
