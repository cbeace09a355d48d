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
  /** The user's recent uploads (a sorted set of upload times): the sliding window of the rate limit. */
  uploadRate(userId: string): string;
  /** Live web processes, scored by when their lease on their WebSocket slots ends. */
  readonly wsLeases: string;
  /** One web process' open WebSockets per user (a hash user → count), named by process id. */
  wsSlots(processId: string): string;
  /** {@link wsSlots} without the process id: the slot script builds the other processes' keys from it. */
  readonly wsSlotsPrefix: string;
  /** Jobs that ended `failed` in one minute (epoch minutes): app/store/recent-failures.ts. */
  failuresInMinute(minute: number): string;
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
    uploadRate: (userId) => `${prefix}:rate:upload:${user(userId)}`,
    wsLeases: `${prefix}:ws:leases`,
    wsSlots: (processId) => `${prefix}:ws:slots:${processId}`,
    wsSlotsPrefix: `${prefix}:ws:slots:`,
    failuresInMinute: (minute) => `${prefix}:stats:failed:${minute}`,
    queuePrefix: `${prefix}:bull`,
  };
}
