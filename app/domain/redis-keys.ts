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
  input(jobId: string): string;
  result(jobId: string): string;
  userJobs(userId: string): string;
  /** Jobs not yet terminal, scored by last change: what the worker's reconciler watches. */
  readonly openJobs: string;
  /** Upload order: a counter gives every job a unique, increasing list position. */
  readonly jobCounter: string;
  uploadRate(userId: string, minute: number): string;
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
    input: (jobId) => `${prefix}:job:${jobId}:input`,
    result: (jobId) => `${prefix}:job:${jobId}:result`,
    userJobs: (userId) => `${prefix}:user:${user(userId)}:jobs`,
    openJobs: `${prefix}:jobs:open`,
    jobCounter: `${prefix}:jobs:counter`,
    uploadRate: (userId, minute) => `${prefix}:rate:upload:${user(userId)}:${minute}`,
    failuresInMinute: (minute) => `${prefix}:stats:failed:${minute}`,
    queuePrefix: `${prefix}:bull`,
  };
}
