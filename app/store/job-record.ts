/** A job record as stored in its Redis hash, and the public Job of the HTTP API made from it. */
import { isJobStatus, percentOf, type Job, type JobStatus } from '../domain/job.js';

/** A job record as stored, with its owner (never sent to clients). */
export interface JobRecord extends Job {
  readonly userId: string;
  /** The exact Progress message text of the current `seq`. */
  readonly progressText: string;
}

/** The Job of the HTTP API: the record without its owner or message text. */
export function toPublicJob(record: JobRecord): Job {
  const { userId: _owner, progressText: _text, ...job } = record;
  return job;
}

/** The record of a hash, or undefined when the hash is missing or not a job. */
export function toRecord(hash: Record<string, string>): JobRecord | undefined {
  if (!hash.id || !isJobStatus(hash.status) || hash.userId === undefined) return undefined;
  const status: JobStatus = hash.status;
  const processed = Number(hash.processed ?? 0);
  const total = Number(hash.total ?? 0);
  return {
    id: hash.id,
    status,
    filename: hash.filename ?? '',
    createdAt: hash.createdAt ?? '',
    updatedAt: hash.updatedAt ?? '',
    processed,
    total,
    percent: Number(hash.percent ?? percentOf(processed, total, status)),
    seq: Number(hash.seq ?? 0),
    error: hash.error ? hash.error : null,
    userId: hash.userId,
    progressText: hash.progress ?? '',
  };
}
