import { signToken } from '../../app/auth/tokens.js';

/** A token for `user`, signed like the server expects. */
export function tokenFor(secret: string, user: string, ttlSeconds = 3600): Promise<string> {
  return signToken(secret, user, ttlSeconds);
}

/** A CSV with a header and `rows` data rows. */
export function sampleCsv(rows: number): string {
  const lines = ['first_name,company,title'];
  for (let i = 1; i <= rows; i++) lines.push(`Person${i},Company ${i},Engineer`);
  return `${lines.join('\n')}\n`;
}

export interface JobJson {
  id: string;
  status: string;
  processed: number;
  total: number;
  percent: number;
  seq: number;
  error: string | null;
  filename: string;
}

/** POSTs a CSV as `text/csv`; answers the response status and JSON body. */
export async function uploadCsv(baseUrl: string, token: string, csv: string, filename = 'test.csv'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/jobs?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });
  return { status: response.status, body: await response.json() };
}

/** Polls `GET /jobs/{id}` until the job is terminal. */
export async function waitForTerminal(baseUrl: string, token: string, jobId: string, timeoutMs = 30_000): Promise<JobJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${baseUrl}/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.ok) {
      const job = (await response.json()) as JobJson;
      if (job.status === 'succeeded' || job.status === 'failed') return job;
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
