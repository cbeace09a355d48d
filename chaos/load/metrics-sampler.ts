/** Samples gauges from a web process' `/metrics` while a load runs, keeping the peak of each. */
import { sumOf } from '../../kit/prometheus-text.js';
import { scrapeMetrics } from '../../kit/scrape-metrics.js';

export interface MetricsSampler {
  /** Stops sampling; answers the peak value of each watched gauge. */
  stop(): Record<string, number>;
}

export function sampleMetrics(url: string, names: readonly string[], intervalMs = 500): MetricsSampler {
  const peaks: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    scrapeMetrics(url, { timeoutMs: 5_000 })
      .then((samples) => {
        for (const name of names) peaks[name] = Math.max(peaks[name]!, sumOf(samples, name) ?? 0);
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { ...peaks };
    },
  };
}
