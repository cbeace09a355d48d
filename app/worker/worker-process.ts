/**
 * The worker process: a BullMQ consumer that runs each job attempt, plus the reconciler. `main.ts`
 * adds only the environment and the signals.
 */
import { WaitingError, Worker, type Job as QueueJob } from 'bullmq';
import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';
import { createJobQueue, QUEUE_NAME, type QueueJobData } from '../queue.js';
import { queueSnapshotReader, registerQueueGauges } from '../queue-gauges.js';
import { connectRedis } from '../store/redis-connection.js';
import { loadRedisEndpoint } from '../store/redis-tls.js';
import { AttemptInterrupted, MAX_DEAD_WORKERS, runAttempt } from './job-attempt.js';
import { LifecycleHooks } from './metrics/lifecycle-hooks.js';
import { MeteredJobStore } from './metrics/metered-job-store.js';
import { listenForMetrics } from './metrics/metrics-listener.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { reconcileOpenJobs } from './reconciler.js';
import { LargeRecordGate } from '../large-record-gate.js';

/** How long interrupted jobs get to be handed back to the queue before the process stops anyway. */
const HAND_BACK_MS = 3_000;

function delay(ms: number): Promise<'elapsed'> {
  return new Promise((resolve) => setTimeout(() => resolve('elapsed'), ms).unref());
}

export interface WorkerProcessOptions {
  /** Redis key prefix; tests pass their own. @default 'pl' */
  readonly prefix?: string;
  readonly log?: Logger;
}

export interface WorkerProcess {
  readonly log: Logger;
  /** `http://host:port` of the `/metrics` listener (`WORKER_METRICS_PORT`). */
  readonly metricsUrl: string;
  /**
   * Waits up to `graceMs` for running jobs to finish, then interrupts them between rows and hands
   * them back to the queue, where another worker resumes them.
   */
  close(graceMs: number): Promise<void>;
}

export async function startWorkerProcess(config: Config, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const log = options.log ?? pino({ level: config.logLevel });
  const onError =
    (role: string) =>
    (error: Error): void =>
      log.warn({ role, err: error.message }, 'redis connection error');
  // Every connection of the process (BullMQ duplicates its own from these) uses REDIS_TLS_CA_FILE's CA.
  const endpoint = loadRedisEndpoint(config.redisUrl, config.redisTlsCaFile);
  const redis = connectRedis(endpoint, 'worker', { failFast: false, onError: onError('worker') });
  const queueRedis = connectRedis(endpoint, 'worker-queue', { failFast: false, onError: onError('worker-queue') });
  const metrics = new WorkerMetrics();
  const store = new MeteredJobStore(
    redis,
    { prefix: options.prefix, retentionSeconds: config.jobRetentionSeconds, maxOpenJobs: config.maxOpenJobs },
    (kind) => metrics.publishFailure(kind),
  );
  const queue = createJobQueue(queueRedis, store.keys.queuePrefix);
  // BullMQ emits connection trouble here too; unhandled, an 'error' event would crash the process.
  queue.on('error', (error) => log.warn({ err: error.message }, 'job queue error'));
  registerQueueGauges(metrics.registry, queueSnapshotReader({ queue, redis: queueRedis, keys: store.keys }));
  const hooks = new LifecycleHooks({ metrics, redis, keys: store.keys, log });
  const listener = await listenForMetrics({
    host: config.host,
    port: config.workerMetricsPort,
    render: () => metrics.render(),
    onError: (error) => log.warn({ err: error.message }, 'worker metrics could not be rendered'),
  });
  const shutdown = new AbortController();
  const largeRecords = new LargeRecordGate();

  const worker = new Worker<QueueJobData>(
    QUEUE_NAME,
    async (job: QueueJob<QueueJobData>, token?: string) => {
      try {
        await runAttempt({
          store,
          log,
          jobId: job.data.jobId,
          rowDelayMs: config.rowDelayMs,
          jobTimeoutMs: config.jobTimeoutMs,
          progressIntervalMs: config.progressIntervalMs,
          storageWaitMs: config.storageWaitMs,
          deadWorkers: job.stalledCounter,
          shutdown: shutdown.signal,
          largeRecords,
          ...hooks.attemptStarted(),
        });
      } catch (error) {
        if (!(error instanceof AttemptInterrupted) || token === undefined) throw error;
        // Back to the queue at once, so the next worker resumes it without waiting for a lock to expire.
        await job.moveToWait(token);
        log.info(
          { jobId: job.data.jobId },
          `Job ${job.data.jobId} handed back to the queue; another worker resumes it`,
        );
        throw new WaitingError();
      }
    },
    {
      connection: connectRedis(endpoint, 'worker', { failFast: false, onError: onError('worker-bullmq') }),
      prefix: store.keys.queuePrefix,
      concurrency: config.workerConcurrency,
      // A killed worker's job is detected within two lock periods and resumed by another worker.
      lockDuration: config.workerLockMs,
      stalledInterval: config.workerLockMs,
      // runAttempt fails a job itself after MAX_DEAD_WORKERS; BullMQ must not fail it silently first.
      maxStalledCount: MAX_DEAD_WORKERS + 1,
    },
  );
  worker.on('error', (error) => log.warn({ err: error.message }, 'queue worker error'));
  worker.on('stalled', (jobId) => log.warn({ jobId }, `Job ${jobId} lost its worker; resuming it`));

  const reconcile = setInterval(
    () => {
      reconcileOpenJobs({
        store,
        queue,
        log,
        idleMs: 2 * config.workerLockMs + 30_000,
        ...hooks.reconcilerHooks(),
      }).catch((error: unknown) => log.warn({ err: (error as Error).message }, 'reconciler pass failed'));
    },
    Math.max(config.workerLockMs, 15_000),
  );
  reconcile.unref();

  log.info({ url: listener.url }, 'worker metrics listening');
  log.info({ concurrency: config.workerConcurrency, rowDelayMs: config.rowDelayMs }, 'worker started');
  return {
    log,
    metricsUrl: listener.url,
    close: async (graceMs) => {
      clearInterval(reconcile);
      await listener.close();
      const graceful = worker.close().catch(() => undefined);
      if ((await Promise.race([graceful, delay(graceMs)])) === 'elapsed') {
        shutdown.abort();
        // Interrupted jobs stop within a row; a write stuck on a dead Redis must not hold the exit.
        await Promise.race([graceful, delay(HAND_BACK_MS)]);
      }
      await queue.close().catch(() => undefined);
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}
