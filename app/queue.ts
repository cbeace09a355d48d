/** The work queue between web and worker (BullMQ). Both sides name it and shape its data here. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const QUEUE_NAME = 'personalize';

export interface QueueJobData {
  readonly jobId: string;
}

/**
 * The web side's handle for enqueueing. BullMQ job id = our job id, so a job can be enqueued at most
 * once at a time (re-adding while it waits is a no-op) and the reconciler can look it up.
 */
export function createJobQueue(connection: Redis, prefix: string): Queue<QueueJobData> {
  return new Queue<QueueJobData>(QUEUE_NAME, {
    connection,
    prefix,
    defaultJobOptions: {
      // The store, not BullMQ, decides success and failure; BullMQ retries nothing by itself.
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: 1_000,
    },
  });
}

export async function enqueueJob(queue: Queue<QueueJobData>, jobId: string): Promise<void> {
  await queue.add('csv', { jobId }, { jobId });
}
