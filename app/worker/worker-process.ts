/**
 * The worker process: a BullMQ consumer that runs each job attempt, plus the reconciler. `main.ts`
 * adds only the environment and the signals.
 */
import { Worker, type Job as QueueJob } from 'bullmq';
import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';
import { createJobQueue, QUEUE_NAME, type QueueJobData } from '../queue.js';
import { JobStore } from '../store/job-store.js';
import { connectRedis } from '../store/redis-connection.js';
import { MAX_DEAD_WORKERS, runAttempt } from './job-attempt.js';
import { reconcileOpenJobs } from './reconciler.js';

export interface WorkerProcessOptions {
  /** Redis key prefix; tests pass their own. @default 'pl' */
  readonly prefix?: string;
  readonly log?: Logger;
  /** Jobs processed at once. @default 8 */
  readonly concurrency?: number;
}

export interface WorkerProcess {
  readonly log: Logger;
  /** Waits up to `graceMs` for running jobs, then stops regardless (they resume elsewhere). */
  close(graceMs: number): Promise<void>;
}

export async function startWorkerProcess(config: Config, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const prefix = options.prefix ?? 'pl';
  const log = options.log ?? pino({ level: config.logLevel });
  const onError = (role: string) => (error: Error): void => log.warn({ role, err: error.message }, 'redis connection error');
  const redis = connectRedis(config.redisUrl, 'worker', { failFast: false, onError: onError('worker') });
  const queueRedis = connectRedis(config.redisUrl, 'worker-queue', { failFast: false, onError: onError('worker-queue') });
  const store = new JobStore(redis, { prefix });
  const queue = createJobQueue(queueRedis, `${prefix}:bull`);
  queue.on('error', () => undefined);
  const shutdown = new AbortController();

  const worker = new Worker<QueueJobData>(
    QUEUE_NAME,
    async (job: QueueJob<QueueJobData>) => runAttempt({
      store, log, jobId: job.data.jobId,
      rowDelayMs: config.rowDelayMs, jobTimeoutMs: config.jobTimeoutMs,
      progressIntervalMs: config.progressIntervalMs, maxRows: config.maxRows,
      deadWorkers: job.stalledCounter, shutdown: shutdown.signal,
    }),
    {
      connection: connectRedis(config.redisUrl, 'worker', { failFast: false, onError: onError('worker-bullmq') }),
      prefix: `${prefix}:bull`,
      concurrency: options.concurrency ?? 8,
      // A killed worker's job is detected within two lock periods and resumed by another worker.
      lockDuration: config.workerLockMs,
      stalledInterval: config.workerLockMs,
      // runAttempt fails a job itself after MAX_DEAD_WORKERS; BullMQ must not fail it silently first.
      maxStalledCount: MAX_DEAD_WORKERS + 1,
    },
  );
  worker.on('error', (error) => log.warn({ err: error.message }, 'queue worker error'));
  worker.on('stalled', (jobId) => log.warn({ jobId }, `Job ${jobId} lost its worker; resuming it`));

  const reconcile = setInterval(() => {
    reconcileOpenJobs({ store, queue, log, idleMs: 2 * config.workerLockMs + 30_000 })
      .catch((error: unknown) => log.warn({ err: (error as Error).message }, 'reconciler pass failed'));
  }, Math.max(config.workerLockMs, 15_000));
  reconcile.unref();

  log.info({ concurrency: options.concurrency ?? 8, rowDelayMs: config.rowDelayMs }, 'worker started');
  return {
    log,
    close: async (graceMs) => {
      clearInterval(reconcile);
      const graceful = worker.close();
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      if ((await Promise.race([graceful, timer])) === 'timeout') {
        shutdown.abort();
        await worker.close(true).catch(() => undefined);
      }
      await queue.close().catch(() => undefined);
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}
