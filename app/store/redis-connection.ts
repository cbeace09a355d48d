/** How each role connects to Redis. One place, so every connection is named and tuned on purpose. */
import { Redis, type RedisOptions } from 'ioredis';

export type ConnectionRole = 'web' | 'web-subscriber' | 'web-queue' | 'worker' | 'worker-queue' | 'cli';

export interface ConnectOptions {
  /** @default true */
  readonly failFast?: boolean;
  /**
   * Told about the first connection error of each outage (the process logs it), not about every
   * reconnect attempt; ioredis keeps reconnecting regardless.
   */
  readonly onError?: (error: Error) => void;
}

/**
 * Opens a connection that reconnects forever with a capped backoff: web and worker must survive a
 * Redis restart by themselves.
 *
 * `failFast` (default true) makes commands fail at once while disconnected, so an HTTP request
 * answers `503` instead of hanging; BullMQ's worker connections need the opposite (queue and retry).
 */
export function connectRedis(url: string, role: ConnectionRole, options: ConnectOptions = {}): Redis {
  const failFast = options.failFast ?? true;
  const settings: RedisOptions = {
    connectionName: `personalizedline-${role}`,
    enableOfflineQueue: !failFast,
    maxRetriesPerRequest: failFast ? 1 : null,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
    // The readiness check and the first request should not wait for a connect timeout of 10 s.
    connectTimeout: 5_000,
    lazyConnect: false,
  };
  const redis = new Redis(url, settings);
  // Without a listener ioredis prints every reconnect failure as an unhandled 'error' event.
  let reported = false;
  redis.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    options.onError?.(error);
  });
  redis.on('ready', () => { reported = false; });
  return redis;
}
