/** Small probes the fault classes share: readiness, and what the API answers while Redis is away. */
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleCsv } from '../../kit/sample-csv.js';
import { checkErrorAnswer, rawRequest } from '../stack/raw-http.js';

/** Polls `/ready` on every URL until all answer 200; answers the time it took. */
export async function waitUntilReady(urls: readonly string[], timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  for (const url of urls) {
    for (;;) {
      try {
        const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        if (response.status === 200) break;
      } catch {
        // not answering yet
      }
      if (Date.now() - started > timeoutMs) throw new Error(`${url}/ready did not answer 200 within ${timeoutMs} ms`);
      await sleep(50);
    }
  }
  return Date.now() - started;
}

/**
 * What a web process must answer while Redis is unreachable: `/health` 200, `/ready` 503, and an
 * upload `503 DEPENDENCY_DOWN` (never a 500, never a hang). Answers one failure text per probe.
 */
export async function probeWhileRedisDown(url: string, token: string): Promise<Record<string, string | undefined>> {
  const health = await rawRequest(url, { path: '/health' }, 10_000);
  const ready = await rawRequest(url, { path: '/ready' }, 10_000);
  const upload = await rawRequest(
    url,
    {
      method: 'POST',
      path: '/jobs?filename=outage.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: sampleCsv(3),
    },
    10_000,
  );
  return {
    'GET /health answers 200 while Redis is down': health.status === 200 ? undefined : `answered ${health.status}`,
    'GET /ready answers 503 while Redis is down': checkErrorAnswer(ready, 503, ['DEPENDENCY_DOWN']),
    'POST /jobs answers 503 while Redis is down': checkErrorAnswer(upload, 503, ['DEPENDENCY_DOWN']),
  };
}
