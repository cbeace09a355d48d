/**
 * Follows accepted jobs to their end over HTTP and judges them: a job is lost when it never reaches a
 * terminal state, or when its result does not hold every row it was given.
 */
import { parse } from 'csv-parse/sync';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CaseRecorder } from '../report/class-result.js';

export interface JobOutcome {
  readonly jobId: string;
  /** `lost` when it was still open at the deadline or its result was short. */
  readonly status: 'succeeded' | 'failed' | 'lost';
  /** The job's `error`, or why it counts as lost. */
  readonly detail: string | null;
  /** Data rows in the result CSV (succeeded jobs). */
  readonly resultRows?: number;
  /** The last status seen, for the report. */
  readonly lastStatus: string;
}

export interface AwaitJobOptions {
  /** Base URLs of the web processes alive now; asked again on every poll (faults kill some). */
  readonly urls: () => readonly string[];
  readonly token: string;
  readonly jobId: string;
  readonly expectedRows: number;
  readonly timeoutMs: number;
  /** @default 100 */
  readonly pollMs?: number;
}

/** Polls `GET /jobs/{id}` (through outages: 503 and refused connections are retried) to the end. */
export async function awaitJobOutcome(options: AwaitJobOptions): Promise<JobOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const headers = { authorization: `Bearer ${options.token}` };
  let lastStatus = 'unknown';
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const urls = options.urls();
    const base = urls[attempt % Math.max(urls.length, 1)];
    if (base) {
      try {
        const response = await fetch(`${base}/jobs/${options.jobId}`, { headers, signal: AbortSignal.timeout(10_000) });
        if (response.ok) {
          const job = (await response.json()) as { status: string; error: string | null; total: number };
          lastStatus = job.status;
          if (job.status === 'failed') return { jobId: options.jobId, status: 'failed', detail: job.error, lastStatus };
          if (job.status === 'succeeded') return judgeResult(base, options, headers);
        } else {
          await response.arrayBuffer();
        }
      } catch {
        // The web process or Redis is down right now: that is the fault under test; poll again.
      }
    }
    await sleep(options.pollMs ?? 100);
  }
  return {
    jobId: options.jobId,
    status: 'lost',
    detail: `still ${lastStatus} after ${options.timeoutMs} ms`,
    lastStatus,
  };
}

async function judgeResult(
  base: string,
  options: AwaitJobOptions,
  headers: Record<string, string>,
): Promise<JobOutcome> {
  const fail = (detail: string): JobOutcome => ({
    jobId: options.jobId,
    status: 'lost',
    detail,
    lastStatus: 'succeeded',
  });
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const response = await fetch(`${base}/jobs/${options.jobId}/result`, {
        headers,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status !== 200) {
        if (response.status >= 500) {
          await sleep(200);
          continue;
        }
        return fail(`succeeded but GET /result answered ${response.status}`);
      }
      const rows = countResultRows(text);
      if (typeof rows === 'string') return fail(rows);
      if (rows !== options.expectedRows)
        return fail(`succeeded with ${rows} result rows, expected ${options.expectedRows}`);
      return { jobId: options.jobId, status: 'succeeded', detail: null, resultRows: rows, lastStatus: 'succeeded' };
    } catch {
      await sleep(200);
    }
  }
  return fail('succeeded but its result could not be read');
}

/** Data rows of a result CSV whose last column is a non-empty `personalized_line`; or what is wrong. */
export function countResultRows(text: string): number | string {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: false });
  } catch (error) {
    return `result is not valid CSV: ${(error as Error).message}`;
  }
  const header = records[0];
  if (!header || header[header.length - 1] !== 'personalized_line') return 'result has no personalized_line column';
  const rows = records.slice(1);
  if (rows.some((row) => !row[row.length - 1])) return 'a result row has an empty personalized_line';
  return rows.length;
}

/**
 * Records the outcomes: lost jobs are counted as such; a failed job is a failed case unless the
 * fault allows it (a job whose worker died may end `failed`), and then its error must say why.
 */
export function judgeOutcomes(
  recorder: CaseRecorder,
  outcomes: readonly JobOutcome[],
  options: { allowFailed: boolean },
): void {
  recorder.lostJobs(outcomes.filter((o) => o.status === 'lost').length);
  for (const outcome of outcomes) {
    let failure: string | undefined;
    if (outcome.status === 'lost') failure = `lost: ${outcome.detail}`;
    if (outcome.status === 'failed' && !options.allowFailed) failure = `failed: ${outcome.detail}`;
    if (outcome.status === 'failed' && options.allowFailed && !outcome.detail)
      failure = 'failed without an error message';
    recorder.check(`job ${outcome.jobId}`, failure);
  }
}

/** A job a fault round follows: who uploaded it and how many rows its result must have. */
export interface FollowedJob {
  readonly id: string;
  readonly token: string;
  readonly rows: number;
}

/** {@link awaitJobOutcome} for every job, asking whichever web processes the stack runs at the time. */
export function awaitOutcomes(
  stack: { readonly webs: readonly { readonly url: string }[] },
  jobs: readonly FollowedJob[],
  timeoutMs: number,
): Promise<JobOutcome[]> {
  const urls = (): string[] => stack.webs.map((w) => w.url);
  return Promise.all(
    jobs.map((job) => awaitJobOutcome({ urls, token: job.token, jobId: job.id, expectedRows: job.rows, timeoutMs })),
  );
}
