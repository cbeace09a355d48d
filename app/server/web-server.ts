/**
 * The web process: connections, the fastify app, listening and graceful shutdown. `main.ts` adds
 * only the environment and the signals, so tests run the very same server in-process.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { createJobQueue } from '../queue.js';
import { queueSnapshotReader, registerQueueGauges } from '../queue-gauges.js';
import { connectRedis } from '../store/redis-connection.js';
import { loadRedisEndpoint } from '../store/redis-tls.js';
import { JobStore } from '../store/job-store.js';
import { WebMetrics } from './metrics.js';
import { registerReadinessGauge } from './readiness-gauge.js';
import { pingWithin } from './routes/system.js';
import { buildWebApp } from './web-app.js';
import { ConnectionSlots } from './ws/connection-slots.js';
import { attachWebSocketEndpoint } from './ws/websocket-endpoint.js';

export interface WebServerOptions {
  /** Redis key prefix; tests pass their own. @default 'pl' */
  readonly prefix?: string;
}

export interface WebServer {
  readonly app: FastifyInstance;
  /** `http://host:port` once listening. */
  readonly url: string;
  /** Stops accepting, drains, closes Redis. Resolves when everything is closed. */
  close(): Promise<void>;
}

export async function startWebServer(config: Config, options: WebServerOptions = {}): Promise<WebServer> {
  let app: FastifyInstance | undefined;
  const onError =
    (role: string) =>
    (error: Error): void =>
      app?.log.warn({ role, err: error.message }, 'redis connection error');
  // Every connection of the process goes to the same endpoint, with REDIS_TLS_CA_FILE's CA.
  const endpoint = loadRedisEndpoint(config.redisUrl, config.redisTlsCaFile);
  const redis = connectRedis(endpoint, 'web', { onError: onError('web') });
  const queueRedis = connectRedis(endpoint, 'web-queue', { onError: onError('web-queue') });
  const store = new JobStore(redis, {
    prefix: options.prefix,
    retentionSeconds: config.jobRetentionSeconds,
    maxOpenJobs: config.maxOpenJobs,
  });
  const queue = createJobQueue(queueRedis, store.keys.queuePrefix);
  // BullMQ emits connection trouble here too; unhandled, an 'error' event would crash the process.
  queue.on('error', (error) => app?.log.warn({ err: error.message }, 'job queue error'));
  const metrics = new WebMetrics();
  registerReadinessGauge(metrics.registry, () => pingWithin(redis, 1_000));
  registerQueueGauges(metrics.registry, queueSnapshotReader({ queue, redis: queueRedis, keys: store.keys }));
  app = await buildWebApp({ config, redis, store, queue, metrics });
  // One subscriber connection per process feeds every WebSocket (app/server/ws/progress-relay.ts).
  const subscriber = config.enableWebsocket
    ? connectRedis(endpoint, 'web-subscriber', { onError: onError('web-subscriber') })
    : undefined;
  const slots = new ConnectionSlots(redis, {
    keys: store.keys,
    max: config.wsMaxConnectionsPerUser,
    leaseMs: config.wsSlotLeaseMs,
    log: app.log,
  });
  const websocket = attachWebSocketEndpoint(app.server, { config, store, subscriber, slots, metrics, log: app.log });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');

  return {
    app,
    url,
    close: async () => {
      // Stop accepting and finish in-flight HTTP while the WebSockets close with 1001; the HTTP
      // server's close completes only once the upgraded sockets are gone.
      await Promise.all([websocket.drain(), app.close()]);
      await queue.close().catch(() => undefined);
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}
