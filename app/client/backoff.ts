/**
 * Reconnect delays: exponential backoff with full jitter. Pure; the random source is passed in so
 * tests can seed it.
 */

export interface BackoffOptions {
  /** Delay ceiling of the first retry. @default 3000 */
  readonly baseMs?: number;
  /** Largest ceiling; doubling stops here. @default 24000 */
  readonly capMs?: number;
}

export const DEFAULT_BACKOFF_BASE_MS = 3000;
export const DEFAULT_BACKOFF_CAP_MS = 24_000;

/** The ceiling for retry number `attempt` (0-based): base·2^attempt, at most the cap. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const cap = options.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  // Clamp the exponent: 2^1100 is Infinity, and the cap is reached long before anyway.
  return Math.min(cap, base * 2 ** Math.min(Math.max(0, attempt), 30));
}

/**
 * The delay before retry number `attempt` (0-based): a uniform draw in [0, ceiling). The jitter
 * comes after the cap, so clients that all failed at the same moment (a web pod restart) spread
 * out even once their ceilings are all at the cap, instead of reconnecting in lockstep.
 *
 * @param random answers a number in [0, 1), like `Math.random`.
 */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = {}): number {
  return Math.floor(random() * backoffCeiling(attempt, options));
}
