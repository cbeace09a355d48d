/**
 * How shutdown closes are spread: closing 10,000 sockets in one tick would have 10,000 browsers
 * reconnect in the same instant to the remaining pods. Pure, so the spread is tested directly.
 */

/** Pause between two batches of closes. */
export const DRAIN_TICK_MS = 50;

/**
 * Sizes of the batches that close `count` sockets over `windowMs`, one batch per tick, as even as
 * possible (earlier batches take the remainder). Sums to `count`; no empty batches.
 */
export function drainBatches(count: number, windowMs: number, tickMs = DRAIN_TICK_MS): number[] {
  if (count <= 0) return [];
  const ticks = Math.max(1, Math.min(count, Math.floor(windowMs / tickMs) + 1));
  const base = Math.floor(count / ticks);
  const extra = count % ticks;
  return Array.from({ length: ticks }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Milliseconds of the shutdown budget for spreading closes and for waiting on close handshakes. */
export function drainTimings(drainWindowMs: number, shutdownTimeoutMs: number): { windowMs: number; graceMs: number } {
  // The rest of SHUTDOWN_TIMEOUT_MS is left for in-flight HTTP and closing Redis.
  const windowMs = Math.min(drainWindowMs, Math.floor(shutdownTimeoutMs / 4));
  const graceMs = Math.max(100, Math.floor(shutdownTimeoutMs / 2) - windowMs);
  return { windowMs, graceMs };
}
