/**
 * Every Redis key and channel name, built in one place. Ids are validated before they get here
 * (job ids are UUIDs we mint; user ids come from a verified token and are encoded).
 */

/** The pub/sub channel of the contract; deliberately without the key prefix. */
export function progressChannel(jobId: string): string {
  return `job_progress:${jobId}`;
}

/** The job id inside a `job_progress:{id}` channel name. */
export function jobIdOfChannel(channel: string): string {
  return channel.slice('job_progress:'.length);
}

export interface RedisKeys {
  job(jobId: string): string;
  /**
   * What the store scripts put in front of a job id to reach its record (`job(id)` is this plus the
   * id), for the admission script, which visits every open job.
   */
  readonly jobPrefix: string;
  /** The uploaded CSV, gzipped, as a list of pieces; deleted when the job ends. */
  input(jobId: string): string;
  /** The result CSV, gzipped, as a list of pieces; expires with the record. */
  result(jobId: string): string;
  /** The result the current attempt is writing; becomes `result` when the job succeeds. */
  partial(jobId: string): string;
  /** An upload's file while it streams in, before its job exists (expires if the upload is abandoned). */
  upload(uploadId: string): string;
  userJobs(userId: string): string;
  /** The same jobs scored by when they expire (`+inf` while open), so lists drop expired jobs. */
  userExpiry(userId: string): string;
  /** Finished jobs scored by when they expire: when room frees up next. */
  readonly retainedJobs: string;
  /** Room held by uploads streaming in right now: upload id → "bytes deadline". */
  readonly uploadReservations: string;
  /** Jobs not yet terminal, scored by last change: what the worker's reconciler watches. */
  readonly openJobs: string;
  /** Upload order: a counter gives every job a unique, increasing list position. */
  readonly jobCounter: string;
  uploadRate(userId: string, minute: number): string;
  /** BullMQ's own prefix, so queue keys sit beside ours. */
  readonly queuePrefix: string;
}

/** @param prefix namespace for all keys; tests pass their own so nothing mixes. @default 'pl' */
export function redisKeys(prefix = 'pl'): RedisKeys {
  // User ids are free text in tokens: encode so a `:` or `}` cannot forge another key.
  const user = (userId: string): string => encodeURIComponent(userId);
  return {
    job: (jobId) => `${prefix}:job:${jobId}`,
    jobPrefix: `${prefix}:job:`,
    input: (jobId) => `${prefix}:job:${jobId}:input`,
    result: (jobId) => `${prefix}:job:${jobId}:result`,
    partial: (jobId) => `${prefix}:job:${jobId}:partial`,
    upload: (uploadId) => `${prefix}:upload:${uploadId}`,
    userJobs: (userId) => `${prefix}:user:${user(userId)}:jobs`,
    userExpiry: (userId) => `${prefix}:user:${user(userId)}:expiry`,
    retainedJobs: `${prefix}:jobs:retained`,
    uploadReservations: `${prefix}:capacity:uploads`,
    openJobs: `${prefix}:jobs:open`,
    jobCounter: `${prefix}:jobs:counter`,
    uploadRate: (userId, minute) => `${prefix}:rate:upload:${user(userId)}:${minute}`,
    queuePrefix: `${prefix}:bull`,
  };
}
