/**
 * Waiting for a new deployment's address to settle. Right after `pulumi up` a GKE LoadBalancer has its
 * IP but may still be programming its forwarding rule and health checks, so the first requests can be
 * refused or time out for a minute or two on a deployment that is fine. The first checks are therefore
 * retried for a bounded time; only their final result is printed (stdout holds PASS/FAIL lines only).
 */
import type { CheckResult } from './check-result.js';

/** How often a failing check is tried again. */
export const SETTLE_INTERVAL_MS = 5_000;

/** Clock and sleep, passed in so the policy is tested without waiting. */
export interface SettleClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const realClock: SettleClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs `check` until it passes or `deadline` (a `clock.now()` time) has come; answers the last result,
 * noting how long it took when it needed more than one try. A deadline already past means one try.
 */
export async function untilPassing(
  check: () => Promise<CheckResult>,
  deadline: number,
  clock: SettleClock = realClock,
  intervalMs = SETTLE_INTERVAL_MS,
): Promise<CheckResult> {
  const started = clock.now();
  let tries = 1;
  let result = await check();
  while (!result.ok && clock.now() + intervalMs <= deadline) {
    await clock.sleep(intervalMs);
    tries += 1;
    result = await check();
  }
  if (tries === 1) return result;
  const waited = `${tries} tries over ${Math.round((clock.now() - started) / 1000)} s while the address settled`;
  return { ...result, detail: `${result.detail} (${waited})` };
}
