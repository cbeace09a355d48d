/**
 * The one clock every benchmark process stamps with: wall-clock milliseconds with sub-millisecond
 * resolution. `performance.timeOrigin` is sampled from the system clock when each process starts,
 * so two processes on one machine agree to within microseconds; the load generator measures the
 * remaining offset of each client process anyway (see `client-fleet.ts`) and corrects for it.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
