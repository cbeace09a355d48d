/** Samples gauges from a web process' `/metrics` while a load runs, keeping the peak of each. */

export interface MetricsSampler {
  /** Stops sampling; answers the peak value of each watched gauge. */
  stop(): Record<string, number>;
}

/** Reads one unlabelled gauge from Prometheus text. Pure. */
export function gaugeValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

export function sampleMetrics(url: string, names: readonly string[], intervalMs = 500): MetricsSampler {
  const peaks: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })
      .then(async (response) => {
        const text = await response.text();
        for (const name of names) peaks[name] = Math.max(peaks[name]!, gaugeValue(text, name) ?? 0);
      })
      .catch(() => undefined)
      .finally(() => { busy = false; });
  }, intervalMs);
  return { stop: () => { clearInterval(timer); return { ...peaks }; } };
}
