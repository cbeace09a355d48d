/**
 * The JSON bodies the HTTP API answers, typed from the server's own definitions, and the checks that
 * read them from an untrusted `unknown` (a raw answer may be anything when the server misbehaves).
 */
import type { Job } from '../app/domain/job.js';
import type { errorBody } from '../app/errors.js';

/** The contract's error body, `{"error":{"code","message"}}`, exactly as the server builds it. */
export type ErrorBody = ReturnType<typeof errorBody>;

/**
 * A `POST /jobs` answer as its caller reads it after checking the status: the {@link Job} on `201`,
 * the {@link ErrorBody} otherwise. One type for both (the fields of the other case are absent at run
 * time) so callers read `body.id` or `body.error.code` without a cast; only `error` differs, and on
 * `201` nobody reads it (a new job has no failure yet).
 */
export type UploadBody = Omit<Job, 'error'> & ErrorBody;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The `error` of a contract error body, or undefined when `json` is not one. */
export function errorOf(json: unknown): { readonly code: string; readonly message: string } | undefined {
  const error = isRecord(json) ? json.error : undefined;
  if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') return undefined;
  return { code: error.code, message: error.message };
}

/** The id and row count of a created job's body, or undefined when `json` is not a Job (the contract broke). */
export function createdJob(json: unknown): Pick<Job, 'id' | 'total'> | undefined {
  if (!isRecord(json) || typeof json.id !== 'string' || typeof json.total !== 'number') return undefined;
  return { id: json.id, total: json.total };
}

/** The ids of the jobs on a `GET /jobs` page, or undefined when `json` is not a page. */
export function listedJobIds(json: unknown): string[] | undefined {
  const jobs: unknown = isRecord(json) ? json.jobs : undefined;
  if (!Array.isArray(jobs)) return undefined;
  return jobs.map((job: unknown) => (isRecord(job) && typeof job.id === 'string' ? job.id : ''));
}
