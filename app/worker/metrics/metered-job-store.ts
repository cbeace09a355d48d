/**
 * The job store as the worker uses it, counting the state writes Redis refuses. An attempt's first
 * `running` state goes through `startAttempt`, every later progress and terminal state through
 * `transition` (record + PUBLISH in one script each), so these two overrides see every publish
 * failure of the attempts and of the reconciler alike.
 */
import type { Redis } from 'ioredis';
import { isTerminal } from '../../domain/job.js';
import { JobStore, type JobStoreOptions, type StateChange } from '../../store/job-store.js';

export class MeteredJobStore extends JobStore {
  constructor(
    redis: Redis,
    options: JobStoreOptions,
    private readonly onRefused: (kind: 'progress' | 'terminal') => void,
  ) {
    super(redis, options);
  }

  override async startAttempt(
    jobId: string,
    attemptId: string,
    processed: number,
    total: number,
  ): Promise<string | undefined> {
    try {
      return await super.startAttempt(jobId, attemptId, processed, total);
    } catch (error) {
      this.onRefused('progress');
      throw error;
    }
  }

  override async transition(jobId: string, change: StateChange): Promise<string | undefined> {
    try {
      return await super.transition(jobId, change);
    } catch (error) {
      this.onRefused(isTerminal(change.status) ? 'terminal' : 'progress');
      throw error;
    }
  }
}
