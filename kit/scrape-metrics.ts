/** Reading a running process's `GET /metrics` (web server or worker listener) as samples. */
import { parsePrometheusText, sumOf, type Sample } from './prometheus-text.js';

export interface ScrapeOptions {
  /** @default 10_000 */
  readonly timeoutMs?: number;
}

/** `GET {baseUrl}/metrics`, parsed; throws when it does not answer 200. */
export async function scrapeMetrics(baseUrl: string, options: ScrapeOptions = {}): Promise<Sample[]> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`GET ${baseUrl}/metrics answered ${response.status}: ${text.slice(0, 200)}`);
  return parsePrometheusText(text);
}

/**
 * The sum of the samples named `name` whose labels include `labels` (e.g. `{ code: '4401' }`), as
 * scraped now; 0 when there is none.
 */
export async function metricValue(
  baseUrl: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<number> {
  return sumOf(await scrapeMetrics(baseUrl), name, labels) ?? 0;
}
