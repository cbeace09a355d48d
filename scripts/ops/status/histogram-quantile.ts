/**
 * A quantile from a Prometheus histogram's cumulative buckets, computed as PromQL's
 * `histogram_quantile` does (linear interpolation inside the bucket holding the rank; the lowest
 * bucket starts at 0; a rank in the `+Inf` bucket answers the highest finite bound). Pure.
 * https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile
 */

export interface Bucket {
  /** Upper bound (`le`), `Infinity` for `+Inf`. */
  readonly le: number;
  /** Observations at or below `le` (cumulative). */
  readonly count: number;
}

/** The `q` quantile (0..1), or undefined when there are no observations. */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (sorted.length < 2 || total <= 0 || sorted.at(-1)!.le !== Infinity) return undefined;
  const rank = q * total;
  const index = sorted.findIndex((bucket) => bucket.count >= rank);
  const bucket = sorted[index]!;
  if (bucket.le === Infinity) return sorted[sorted.length - 2]!.le;
  const lower = index === 0 ? 0 : sorted[index - 1]!.le;
  const below = index === 0 ? 0 : sorted[index - 1]!.count;
  const inBucket = bucket.count - below;
  return inBucket <= 0 ? bucket.le : lower + ((bucket.le - lower) * (rank - below)) / inBucket;
}
