/** Uploads the jobs a fault runs against and waits until they are mid-job. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import type { WatchedJob } from './watchers.js';

export interface UploadedJob extends WatchedJob {
  readonly rows: number;
}

/** Uploads `count` jobs of `rows` rows, each as its own user (so upload limits never interfere). */
export async function uploadJobs(
  stack: ChaosStack,
  count: number,
  rows: number,
  label: string,
): Promise<UploadedJob[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const token = await stack.token(`${label}-${i}-${randomUUID().slice(0, 8)}`);
      const upload = await uploadCsv(stack.url, token, sampleCsv(rows), { filename: `${label}-${i}.csv` });
      if (upload.status !== 201)
        throw new Error(`upload for ${label} answered ${upload.status}: ${JSON.stringify(upload.body)}`);
      return { id: upload.body.id, token, rows };
    }),
  );
}

/** Resolves once every job is `running` with at least `minProcessed` rows done (the fault lands mid-job). */
export async function waitUntilRunning(
  stack: ChaosStack,
  jobs: readonly WatchedJob[],
  minProcessed = 1,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(jobs);
  while (pending.size > 0) {
    for (const job of [...pending]) {
      const response = await fetch(`${stack.url}/jobs/${job.id}`, {
        headers: { authorization: `Bearer ${job.token}` },
      });
      const body = (await response.json()) as { status: string; processed: number };
      if (body.status !== 'queued' && (body.status !== 'running' || body.processed >= minProcessed))
        pending.delete(job);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.size} job(s) did not start running within ${timeoutMs} ms`);
    await sleep(50);
  }
}
