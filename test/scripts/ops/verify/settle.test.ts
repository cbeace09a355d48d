import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../../scripts/ops/verify/check-result.js';
import { untilPassing, type SettleClock } from '../../../../scripts/ops/verify/settle.js';

/** A clock that advances only when slept on, and a check that passes from its `passOn`th try. */
function scenario(passOn: number): { clock: SettleClock; check: () => Promise<CheckResult>; tries: () => number } {
  let time = 1_000_000;
  let tries = 0;
  return {
    clock: {
      now: () => time,
      sleep: (ms) => {
        time += ms;
        return Promise.resolve();
      },
    },
    check: () => {
      tries += 1;
      return Promise.resolve(
        tries >= passOn
          ? { name: 'health', ok: true, detail: '200' }
          : { name: 'health', ok: false, detail: 'ECONNREFUSED' },
      );
    },
    tries: () => tries,
  };
}

describe('waiting for the address to settle', () => {
  it('tries once when the check passes, adding nothing to its line', async () => {
    const s = scenario(1);
    expect(await untilPassing(s.check, s.clock.now() + 60_000, s.clock)).toEqual({
      name: 'health',
      ok: true,
      detail: '200',
    });
    expect(s.tries()).toBe(1);
  });

  it('retries every 5 s until the check passes, and says how long it took', async () => {
    const s = scenario(4);
    const result = await untilPassing(s.check, s.clock.now() + 60_000, s.clock);
    expect(result).toEqual({ name: 'health', ok: true, detail: '200 (4 tries over 15 s while the address settled)' });
  });

  it('gives up at the deadline with the last failure', async () => {
    const s = scenario(1_000);
    const result = await untilPassing(s.check, s.clock.now() + 20_000, s.clock);
    expect(result.ok).toBe(false);
    expect(s.tries()).toBe(5);
    expect(result.detail).toBe('ECONNREFUSED (5 tries over 20 s while the address settled)');
  });

  it('tries exactly once with no settle time', async () => {
    const s = scenario(2);
    expect((await untilPassing(s.check, s.clock.now(), s.clock)).ok).toBe(false);
    expect(s.tries()).toBe(1);
  });
});
