/**
 * The Progress message: one shape for the Redis message, the WebSocket frame and
 * `GET /jobs/{id}/progress`. The store writes its exact text once (inside the atomic state change) and
 * every reader forwards that text unchanged, so the same `seq` is byte-identical everywhere.
 */
import { isJobStatus, type JobStatus } from './job.js';

export interface ProgressMessage {
  readonly type: 'progress';
  readonly jobId: string;
  readonly status: JobStatus;
  readonly processed: number;
  readonly total: number;
  readonly percent: number;
  readonly seq: number;
  readonly error: string | null;
  readonly at: string;
}

/** Parses a Progress message's text; answers `undefined` for anything that is not one. */
export function parseProgressMessage(text: string): ProgressMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (m.type !== 'progress' || typeof m.jobId !== 'string' || !isJobStatus(m.status)) return undefined;
  if (!isCount(m.processed) || !isCount(m.total) || !isCount(m.percent) || !isCount(m.seq)) return undefined;
  if (m.error !== null && typeof m.error !== 'string') return undefined;
  if (typeof m.at !== 'string') return undefined;
  return m as unknown as ProgressMessage;
}

/**
 * Reads only the `seq` of a message text without a full parse: the relay compares sequence numbers
 * on every frame for every socket, and the store always writes `"seq":` before `"error"`.
 */
export function seqOf(text: string): number {
  const match = /"seq":(\d+)/.exec(text);
  return match ? Number(match[1]) : -1;
}
