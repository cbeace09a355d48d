/**
 * Jobs made straight in the store, without the HTTP upload (store and WebSocket tests, the
 * benchmark's publisher): the CSV text is stored as the web server stores a validated upload.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { jobReservationBytes } from '../app/domain/capacity.js';
import { isBlank } from '../app/domain/csv-file.js';
import { encodeRecord } from '../app/domain/record-lines.js';
import type { JobRecord, JobStore } from '../app/store/job-store.js';

export interface JobFromText {
  readonly userId: string;
  readonly filename: string;
  readonly inputCsv: string;
  /** Data rows the job claims (not checked against the text). */
  readonly total: number;
}

/** Admits, stages and creates a job for `inputCsv`; throws when the store has no room. */
export async function createJobFromText(store: JobStore, job: JobFromText): Promise<JobRecord> {
  const records = parse(job.inputCsv, { bom: true, relax_column_count: true }).filter((r) => !isBlank(r));
  const staged = gzipSync(records.map(encodeRecord).join(''));
  const uploadId = randomUUID();
  const admission = await store.staging.admit(uploadId, staged.length);
  if (admission !== 'admitted') throw new Error(`no room for a job: ${JSON.stringify(admission)}`);
  await store.staging.append(uploadId, staged, 0);
  const reserveBytes = jobReservationBytes(3 * Buffer.byteLength(job.inputCsv) + 200 * (job.total + 1));
  const outcome = await store.create({
    userId: job.userId,
    filename: job.filename,
    uploadId,
    total: job.total,
    reserveBytes,
  });
  if (!('created' in outcome)) throw new Error(`no room for a job: ${JSON.stringify(outcome)}`);
  return outcome.created;
}
