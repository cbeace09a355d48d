/** The HTTP side of status: two `/metrics` scrapes, `/ready` and `/config`. */
import { performance } from 'node:perf_hooks';
import { OpsError } from '../outcome.js';
import { describeError } from '../verify/check-result.js';
import { errorMessageOf, request } from '../verify/http-checks.js';
import { parsePrometheusText } from '../../../kit/prometheus-text.js';
import { buildStatusReport, type RedisHealth, type Scrape, type StatusReport } from './status-report.js';

export async function scrapeMetrics(baseUrl: string): Promise<Scrape> {
  let answer;
  try {
    answer = await request(`${baseUrl}/metrics`);
  } catch (error) {
    throw new OpsError('FAILED', `GET ${baseUrl}/metrics failed: ${describeError(error)}`);
  }
  if (answer.status !== 200)
    throw new OpsError('FAILED', `GET /metrics answered ${answer.status}; expected the Prometheus text.`);
  return { samples: parsePrometheusText(answer.text), atMs: performance.now() };
}

export async function readRedisHealth(baseUrl: string): Promise<RedisHealth> {
  try {
    const answer = await request(`${baseUrl}/ready`);
    return answer.status === 200
      ? { ready: true, detail: 'GET /ready 200' }
      : { ready: false, detail: `GET /ready ${answer.status}: ${errorMessageOf(answer.text)}` };
  } catch (error) {
    return { ready: false, detail: `GET /ready failed: ${describeError(error)}` };
  }
}

export async function readWebsocketEnabled(baseUrl: string): Promise<boolean | undefined> {
  try {
    const answer = await request(`${baseUrl}/config`);
    const enabled = (JSON.parse(answer.text) as { enableWebsocket?: unknown }).enableWebsocket;
    return typeof enabled === 'boolean' ? enabled : undefined;
  } catch {
    return undefined;
  }
}

/** Scrapes, waits `intervalMs`, scrapes again, then reads Redis health and the WebSocket switch. */
export async function collectStatus(baseUrl: string, intervalMs: number): Promise<StatusReport> {
  const first = await scrapeMetrics(baseUrl);
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
  const { scrape: _second, ...report } = await reportSince(baseUrl, first);
  return report;
}

/** Scrapes now and reports the change since `first`, with Redis health and the WebSocket switch. */
export async function reportSince(baseUrl: string, first: Scrape): Promise<StatusReport & { readonly scrape: Scrape }> {
  const second = await scrapeMetrics(baseUrl);
  const report = buildStatusReport(first, second, await readRedisHealth(baseUrl), await readWebsocketEnabled(baseUrl));
  return { ...report, scrape: second };
}
