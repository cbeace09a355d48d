import { signToken } from '../../app/auth/tokens.js';

/** A token for `user`, signed like the server expects. */
export function tokenFor(secret: string, user: string, ttlSeconds = 3600): Promise<string> {
  return signToken(secret, user, ttlSeconds);
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

/** Polls `GET /jobs/{id}` until the job is terminal. */
export async function waitForTerminal(
  baseUrl: string,
  token: string,
  jobId: string,
  timeoutMs = 30_000,
): Promise<JobJson> {
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
