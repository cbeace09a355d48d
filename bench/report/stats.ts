/** Order statistics for latency samples and repeat summaries. Pure. */

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly min: number;
}

/**
 * Nearest-rank percentile of an ascending array (`p` in 0..100): the smallest sample that at
 * least `p` % of the samples do not exceed. Answers NaN for no samples.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Sorts a copy of the samples and answers the percentiles the report shows. */
export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    min: sorted.length > 0 ? (sorted[0] as number) : Number.NaN,
  };
}

/** The median of the finite values (mean of the middle two for an even count); undefined for none. */
export function median(values: readonly (number | null | undefined)[]): number | undefined {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[mid] : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
}

/** Smallest and largest of the finite values; undefined for none. */
export function range(values: readonly (number | null | undefined)[]): { min: number; max: number } | undefined {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return undefined;
  return { min: Math.min(...finite), max: Math.max(...finite) };
}
