/**
 * Reports a running job's progress through the store at most once per interval, so a 50,000-row file
 * does not flood Redis. Progress is best effort: a failed write is logged and the job goes on.
 */
import type { Logger } from 'pino';
import type { JobStore } from '../store/job-store.js';

export interface ProgressPublisherOptions {
  readonly store: JobStore;
  readonly jobId: string;
  /** The attempt reporting: a superseded attempt's reports are not applied. */
  readonly attemptId?: string;
  readonly total: number;
  readonly intervalMs: number;
  readonly log: Logger;
  /**
   * Rows already reported by an earlier attempt: a resumed job never shows less than it showed.
   * @default 0
   */
  readonly alreadyReported?: number;
  readonly now?: () => number;
}

export class ProgressPublisher {
  private lastPublishedAt = Number.NEGATIVE_INFINITY;
  private reported: number;
  private readonly now: () => number;

  constructor(private readonly options: ProgressPublisherOptions) {
    this.reported = options.alreadyReported ?? 0;
    this.now = options.now ?? Date.now;
  }

  /** True when a call to {@link report} now would publish (cheap: called for every row). */
  isDue(processed: number): boolean {
    return processed > this.reported && this.now() - this.lastPublishedAt >= this.options.intervalMs;
  }

  /** Publishes `processed` when due; never throws. */
  async report(processed: number): Promise<void> {
    if (!this.isDue(processed)) return;
    this.lastPublishedAt = this.now();
    const { store, jobId, attemptId, total, log } = this.options;
    try {
      const text = await store.transition(jobId, {
        status: 'running',
        processed,
        total,
        ...(attemptId === undefined ? {} : { attemptId }),
      });
      if (text !== undefined) {
        this.reported = processed;
        log.info({ jobId, processed, total }, `[Worker] Published progress for job ${jobId}`);
      }
    } catch (error) {
      log.warn(
        { jobId, processed, err: (error as Error).message },
        `[Worker] Could not publish progress for job ${jobId}; the job continues`,
      );
    }
  }
}
