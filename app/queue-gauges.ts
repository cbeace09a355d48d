/**
 * The queue as gauges, read from Redis when `/metrics` is scraped. Web and worker both export them:
 * the alert on old waiting jobs must fire exactly when no worker runs to report anything, and every
 * pod reports the same queue-wide numbers (the alerts take the `max`). While Redis is unreachable the
 * gauges have no sample at all: an unknown queue is not an empty one.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { METRIC } from './domain/metric-names.js';
import type { RedisKeys } from './domain/redis-keys.js';
import type { QueueJobData } from './queue.js';
import { countRecentFailures } from './store/recent-failures.js';

/** What the gauges show. */
export interface QueueSnapshot {
  readonly waiting: number;
  readonly running: number;
  /** Seconds since the oldest waiting job was queued; 0 when none waits. */
  readonly oldestWaitingAgeSeconds: number;
  readonly failedLastHour: number;
}

/** Answers a snapshot, or undefined when Redis cannot be read right now. */
export type QueueSnapshotReader = () => Promise<QueueSnapshot | undefined>;

export interface QueueSnapshotOptions {
  readonly queue: Queue<QueueJobData>;
  /** A connection to read the failure counters with; also tells whether Redis is up. */
  readonly redis: Redis;
  readonly keys: RedisKeys;
  /** A scrape must not hang on a slow Redis: past this the gauges are left empty. @default 2000 */
  readonly timeoutMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Reads the queue's counts, the oldest waiting job and the failures of the last hour. */
export function queueSnapshotReader(options: QueueSnapshotOptions): QueueSnapshotReader {
  const now = options.now ?? Date.now;
  const read = async (): Promise<QueueSnapshot> => {
    const at = now();
    const [counts, oldest, failedLastHour] = await Promise.all([
      options.queue.getJobCounts('waiting', 'active'),
      // The wait list is a FIFO: ascending order puts the job queued first at index 0.
      options.queue.getJobs(['waiting'], 0, 0, true),
      countRecentFailures(options.redis, options.keys, at),
    ]);
    const queuedAt = oldest[0]?.timestamp;
    return {
      waiting: counts.waiting ?? 0,
      running: counts.active ?? 0,
      oldestWaitingAgeSeconds: queuedAt === undefined ? 0 : Math.max(0, (at - queuedAt) / 1000),
      failedLastHour,
    };
  };
  return async () => {
    // Commands sent while disconnected would queue up (the worker's connections keep an offline
    // queue) and answer long after the scrape gave up.
    if (options.redis.status !== 'ready') return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), options.timeoutMs ?? 2_000);
    });
    try {
      return await Promise.race([read().catch(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Registers the four queue gauges on `registry`; one read per scrape feeds them all. */
export function registerQueueGauges(registry: Registry, read: QueueSnapshotReader): void {
  let inFlight: Promise<QueueSnapshot | undefined> | undefined;
  const snapshot = (): Promise<QueueSnapshot | undefined> =>
    (inFlight ??= read().finally(() => {
      inFlight = undefined;
    }));
  const gauge = (name: string, help: string, pick: (s: QueueSnapshot) => number): void => {
    new SnapshotGauge(
      name,
      help,
      async () => {
        const value = await snapshot();
        return value === undefined ? undefined : pick(value);
      },
      registry,
    );
  };
  gauge(METRIC.queueWaiting, 'Jobs waiting in the queue (no sample while Redis is unreachable)', (s) => s.waiting);
  gauge(METRIC.queueRunning, 'Jobs a worker is running', (s) => s.running);
  gauge(
    METRIC.queueOldestWaitingAge,
    'Seconds since the oldest waiting job was queued; 0 when none waits',
    (s) => s.oldestWaitingAgeSeconds,
  );
  gauge(
    METRIC.jobsFailedLastHour,
    'Jobs that ended failed in the last hour (whole minutes), from any worker',
    (s) => s.failedLastHour,
  );
}

/**
 * A label-less gauge whose value is read at scrape time and that writes no sample when the value is
 * unknown (prom-client's own label-less gauge always writes one, 0 after a reset).
 */
class SnapshotGauge extends Gauge {
  constructor(
    name: string,
    help: string,
    private readonly readValue: () => Promise<number | undefined>,
    registry: Registry,
  ) {
    super({ name, help, registers: [registry] });
  }

  override async get(): ReturnType<Gauge['get']> {
    const value = await this.readValue();
    if (value !== undefined) this.set(value);
    const metric = await super.get();
    return value === undefined ? { ...metric, values: [] } : metric;
  }
}
