/**
 * What the worker's composition root hands to an attempt and to the reconciler so the job lifecycle
 * is counted: an attempt's start, its terminal state, a lost job failed. A failure is also counted in
 * Redis (app/store/recent-failures.ts) so any pod can tell the failures of the last hour.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from '../../domain/redis-keys.js';
import { recordFailure } from '../../store/recent-failures.js';
import type { AttemptOptions } from '../job-attempt.js';
import type { ReconcilerOptions } from '../reconciler.js';
import type { WorkerMetrics } from './worker-metrics.js';

export interface LifecycleHooksOptions {
  readonly metrics: WorkerMetrics;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly log: Logger;
  /** @default Date.now */
  readonly now?: () => number;
}

export class LifecycleHooks {
  constructor(private readonly options: LifecycleHooksOptions) {}

  /** Call when an attempt starts; spread the answer into its {@link AttemptOptions}. */
  attemptStarted(): Pick<AttemptOptions, 'onTerminal'> {
    const timer = this.options.metrics.attemptStarted();
    return {
      onTerminal: (outcome) => {
        timer.finished(outcome);
        if (outcome.status === 'failed') this.countFailure();
      },
    };
  }

  /** Spread into the reconciler's options. */
  reconcilerHooks(): Pick<ReconcilerOptions, 'onFailed'> {
    return {
      onFailed: () => {
        this.options.metrics.lostJobFailed();
        this.countFailure();
      },
    };
  }

  // Best effort: the job's state is already stored; a missed count only makes `status` read low.
  private countFailure(): void {
    const { redis, keys, log } = this.options;
    recordFailure(redis, keys, (this.options.now ?? Date.now)()).catch((error: unknown) =>
      log.warn({ err: (error as Error).message }, 'could not count a failed job for the last hour'),
    );
  }
}
