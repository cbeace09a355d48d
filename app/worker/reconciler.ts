/**
 * The safety net behind BullMQ: a job that is open in the store but that BullMQ no longer holds
 * (an enqueue lost in a crash, a queue entry removed) is enqueued again, or failed, so no job stays
 * `queued` or `running` forever.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { JobStore } from '../store/job-store.js';
import { enqueueJob, type QueueJobData } from '../queue.js';

export interface ReconcilerOptions {
  readonly store: JobStore;
  readonly queue: Queue<QueueJobData>;
  readonly log: Logger;
  /** A job is looked at once it has not changed for this long. */
  readonly idleMs: number;
  /** Told when a lost job was failed (the worker's metrics); must not throw. */
  readonly onFailed?: () => void;
}

/** One pass; answers how many jobs it repaired. */
export async function reconcileOpenJobs(options: ReconcilerOptions): Promise<number> {
  const { store, queue, log } = options;
  let repaired = 0;
  for (const jobId of await store.idleOpenJobs(options.idleMs)) {
    const state = await queue.getJobState(jobId);
    if (
      state === 'waiting' ||
      state === 'active' ||
      state === 'delayed' ||
      state === 'prioritized' ||
      state === 'waiting-children'
    )
      continue;
    const record = await store.read(jobId);
    if (!record) continue;
    if (record.status === 'queued' && state === 'unknown') {
      await enqueueJob(queue, jobId);
      log.warn({ jobId }, `Job ${jobId} was open but not queued; queued it again`);
    } else {
      await store.transition(jobId, {
        status: 'failed',
        processed: record.processed,
        total: record.total,
        error: 'The worker lost this job (it was no longer in the queue). Upload the file again.',
      });
      log.warn({ jobId, queueState: state }, `[Worker] Published failure status for job ${jobId}`);
      options.onFailed?.();
    }
    repaired++;
  }
  return repaired;
}
