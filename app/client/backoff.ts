/**
 * Reconnect delays: exponential backoff with full jitter. Pure; the random source is passed in so
 * tests can seed it.
 */

import { RECONNECT_POLICY } from '../domain/wire-contract.js';

export interface BackoffOptions {
  /** Delay ceiling of the first retry. @default RECONNECT_POLICY.backoffBaseMs (3000) */
  readonly baseMs?: number;
  /** Largest ceiling; doubling stops here. @default RECONNECT_POLICY.backoffCapMs (24000) */
  readonly capMs?: number;
}

/** The ceiling for retry number `attempt` (0-based): base·2^attempt, at most the cap. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? RECONNECT_POLICY.backoffBaseMs;
  const cap = options.capMs ?? RECONNECT_POLICY.backoffCapMs;
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
