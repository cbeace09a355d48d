/** Unauthenticated endpoints: liveness, readiness, client configuration, metrics. */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { POLL_INTERVAL_MS } from '../../domain/wire-contract.js';
import type { WebMetrics } from '../metrics.js';

export interface SystemRouteOptions {
  readonly redis: Redis;
  readonly metrics: WebMetrics;
  readonly enableWebsocket: boolean;
}

const READY_TIMEOUT_MS = 1000;

export function registerSystemRoutes(app: FastifyInstance, options: SystemRouteOptions): void {
  // Liveness must not depend on Redis: a Redis outage should not make Kubernetes restart web pods.
  app.get('/health', () => Promise.resolve({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    const ready = await pingWithin(options.redis, READY_TIMEOUT_MS);
    return reply.code(ready ? 200 : 503).send(
      ready
        ? { status: 'ready' }
        : {
            error: {
              code: 'DEPENDENCY_DOWN',
              message: 'Redis does not answer. The server keeps retrying; check the redis pod.',
            },
          },
    );
  });

  app.get('/config', () =>
    Promise.resolve({ enableWebsocket: options.enableWebsocket, pollIntervalMs: POLL_INTERVAL_MS }),
  );

  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await options.metrics.render();
    return reply.type(contentType).send(body);
  });
}

/** Whether Redis answers PING within `timeoutMs` (what `/ready` and the `web_ready` gauge report). */
export async function pingWithin(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = redis.ping().then(
    (answer) => answer === 'PONG',
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
