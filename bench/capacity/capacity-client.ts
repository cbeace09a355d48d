/** The capacity run's client side: uploads, waiting for jobs, and Redis's own memory figures. */
import type { Redis } from 'ioredis';
import { createdJob, errorOf } from '../../kit/api-answers.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { sleep } from '../clock.js';

export interface UploadAnswer {
  readonly status: number;
  readonly jobId?: string;
  readonly code?: string;
  readonly retryAfter?: string | null;
}

/** POSTs `csv` as `text/csv`; answers the status and, on 201, the job id. */
export async function upload(baseUrl: string, token: string, csv: Buffer): Promise<UploadAnswer> {
  const { status, body, headers } = await uploadCsv(baseUrl, token, csv, { filename: 'max-size.csv' });
  return { status, jobId: createdJob(body)?.id, code: errorOf(body)?.code, retryAfter: headers.get('retry-after') };
}

/** Polls `GET /jobs/{id}` until every job is terminal; answers each job's final status. */
export async function waitForJobs(
  baseUrl: string,
  token: string,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  const states = new Map<string, string>();
  while (Date.now() < deadline) {
    for (const id of ids) {
      if (states.get(id) === 'succeeded' || states.get(id) === 'failed') continue;
      const response = await fetch(`${baseUrl}/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
      states.set(id, response.ok ? ((await response.json()) as { status: string }).status : `http ${response.status}`);
    }
    if (ids.every((id) => states.get(id) === 'succeeded' || states.get(id) === 'failed')) return states;
    await sleep(100);
  }
  return states;
}

/**
 * Resolves with the time the terminal Progress message of a job arrives on Redis, for jobs created
 * after the call (the caller learns the id from the upload's answer, after the subscription is up).
 */
export async function terminalTimes(subscriber: Redis): Promise<(jobId: string) => Promise<number>> {
  const arrived = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  subscriber.on('pmessage', (_pattern: string, channel: string, text: string) => {
    if (!/"status":"(succeeded|failed)"/.test(text)) return;
    const jobId = channel.slice('job_progress:'.length);
    const at = performance.now();
    arrived.set(jobId, at);
    waiting.get(jobId)?.(at);
  });
  await subscriber.psubscribe('job_progress:*');
  return (jobId) => {
    const at = arrived.get(jobId);
    return at !== undefined ? Promise.resolve(at) : new Promise((resolve) => waiting.set(jobId, resolve));
  };
}

/** Redis's `used_memory` and how many commands it refused with OOM since it started. */
export async function redisMemory(redis: Redis): Promise<{ usedBytes: number; oomRefusals: number }> {
  const [memory, errors] = await Promise.all([redis.info('memory'), redis.info('errorstats')]);
  return {
    usedBytes: Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? 0),
    oomRefusals: Number(/errorstat_OOM:count=(\d+)/.exec(errors)?.[1] ?? 0),
  };
}
