/**
 * The real stack for a browser test file, as processes: a redis-server, one or more web servers
 * (`app/server/main.ts`) and a worker (`app/worker/main.ts`), all on free ports.
 */
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../../kit/app-processes.js';
import type { NodeProcess } from '../../../kit/node-process.js';
import { tokenFor } from '../../support/jobs-client.js';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';

export const JWT_SECRET = 'e2e-secret-at-least-32-bytes-long-hs256';

export interface Stack {
  readonly redis: RedisServer;
  readonly worker: NodeProcess;
  /** The environment every process of this stack shares. */
  readonly env: Record<string, string>;
  /** Starts a web server on this stack's Redis (extra env, e.g. ENABLE_WEBSOCKET=false or a PORT). */
  startWeb(env?: Record<string, string>): Promise<WebProcess>;
  token(user: string): Promise<string>;
  /** Stops every process this stack started and removes Redis' data. */
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Worker pause per row, so jobs run long enough to watch. */
  readonly rowDelayMs: number;
  /** Extra environment for every process. */
  readonly env?: Record<string, string>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const redis = await startRedisServer();
  const env: Record<string, string> = {
    REDIS_URL: redis.url,
    JWT_SECRET,
    LOG_LEVEL: 'warn',
    ROW_DELAY_MS: String(options.rowDelayMs),
    // The tests upload more than the default 30 files a minute (Load More needs 130 jobs).
    UPLOADS_PER_MINUTE: '1000',
    // The runbook's checks follow several uploads running at once; the deployed default (2) is what a
    // 256 Mi worker pod fits with max-size jobs.
    WORKER_CONCURRENCY: '8',
    ...options.env,
  };
  const webs: WebProcess[] = [];
  let worker: NodeProcess;
  try {
    worker = await startWorkerProcess({ ...env, LOG_LEVEL: 'info' });
  } catch (error) {
    await redis.destroy();
    throw error;
  }
  return {
    redis,
    worker,
    env,
    startWeb: async (extra = {}) => {
      const web = await startWebProcess({ ...env, ...extra });
      webs.push(web);
      return web;
    },
    token: (user) => tokenFor(JWT_SECRET, user),
    stop: async () => {
      // SIGKILL: a worker on SIGTERM finishes its running jobs first (a 50 s job in some tests),
      // and nothing here needs a graceful worker exit.
      await Promise.all([...webs.map((web) => web.stop()), worker.stop('SIGKILL')]);
      await redis.destroy();
    },
  };
}
