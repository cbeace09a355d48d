/** Job states and the public Job shape of the contract. Pure. */

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export function isTerminal(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed';
}

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}

/** The Job object of the HTTP API. */
export interface Job {
  readonly id: string;
  readonly status: JobStatus;
  readonly filename: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly processed: number;
  readonly total: number;
  readonly percent: number;
  readonly seq: number;
  readonly error: string | null;
}

/** Whole percent of rows done; a succeeded job is always 100, an empty total 0 otherwise. */
export function percentOf(processed: number, total: number, status: JobStatus): number {
  if (status === 'succeeded') return 100;
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((processed * 100) / total));
}

// Job ids are random UUIDs we mint ourselves; anything else never reaches a Redis key name.
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}
