/**
 * The worker's Prometheus metrics, on a registry of its own (several workers can live in one test
 * process). Counted at the job lifecycle's boundaries only — an attempt's start and its stored
 * terminal state — never per row, so the job runner stays free of metrics code.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC } from '../../domain/metric-names.js';
import type { AttemptOutcome, FailureReason } from '../job-attempt.js';

/** `worker_jobs_failed_total`'s reasons: an attempt's, or `lost` for a job the reconciler failed. */
export type FailedJobReason = FailureReason | 'lost';

/** What one started attempt reports when it ends. */
export interface AttemptTimer {
  finished(outcome: AttemptOutcome): void;
}

export class WorkerMetrics {
  readonly registry = new Registry();

  private readonly started = new Counter({
    name: METRIC.jobsStarted,
    help: 'Job attempts the worker started (a resumed job starts again)',
    registers: [this.registry],
  });
  private readonly succeeded = new Counter({
    name: METRIC.jobsSucceeded,
    help: 'Jobs that ended succeeded',
    registers: [this.registry],
  });
  private readonly failed = new Counter({
    name: METRIC.jobsFailed,
    help: 'Jobs that ended failed, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: METRIC.jobDuration,
    help: 'One job attempt, from its start to its stored terminal state, by terminal status',
    labelNames: ['status'] as const,
    // From a few rows (milliseconds) to JOB_TIMEOUT_MS (15 min).
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900],
    registers: [this.registry],
  });
  private readonly rows = new Counter({
    name: METRIC.rowsProcessed,
    help: 'Rows of jobs that reached a terminal state',
    registers: [this.registry],
  });
  private readonly publishFailed = new Counter({
    name: METRIC.publishFailures,
    help: 'Job state writes (record and PUBLISH) that Redis refused, by kind: progress or terminal',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly now: () => number;

  /** `now` is a monotonic clock in ms (tests pass their own). */
  constructor(options: { collectDefaults?: boolean; now?: () => number } = {}) {
    this.now = options.now ?? (() => performance.now());
    if (options.collectDefaults ?? true) collectDefaultMetrics({ register: this.registry });
    // Every reason appears at 0 from the start, so a ratio over them is defined before the first failure.
    for (const reason of [
      'timeout',
      'bad_input',
      'input_missing',
      'worker_died',
      'storage',
      'error',
      'lost',
    ] satisfies FailedJobReason[]) {
      this.failed.inc({ reason }, 0);
    }
    for (const kind of ['progress', 'terminal']) this.publishFailed.inc({ kind }, 0);
  }

  /** Counts an attempt's start; its timer reports the terminal state. */
  attemptStarted(): AttemptTimer {
    this.started.inc();
    const startedAt = this.now();
    return {
      finished: (outcome) => {
        this.duration.observe({ status: outcome.status }, (this.now() - startedAt) / 1000);
        this.jobEnded(outcome.status === 'succeeded' ? undefined : outcome.reason, outcome.rows);
      },
    };
  }

  /** A job the reconciler failed because the queue had lost it. */
  lostJobFailed(): void {
    this.jobEnded('lost', 0);
  }

  /** A state write that Redis refused. */
  publishFailure(kind: 'progress' | 'terminal'): void {
    this.publishFailed.inc({ kind });
  }

  private jobEnded(failure: FailedJobReason | undefined, rows: number): void {
    if (failure === undefined) this.succeeded.inc();
    else this.failed.inc({ reason: failure });
    this.rows.inc(rows);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
