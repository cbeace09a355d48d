import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../../app/client/backoff.js';
import { seededRandom } from './seeded-random.js';

describe('backoff', () => {
  it('doubles the ceiling from 3 s and stops at 24 s', () => {
    expect([0, 1, 2, 3, 4, 5, 10, 2000].map((attempt) => backoffCeiling(attempt))).toEqual([
      3000, 6000, 12_000, 24_000, 24_000, 24_000, 24_000, 24_000,
    ]);
  });

  it('draws each delay uniformly below its ceiling (full jitter)', () => {
    expect(backoffDelay(0, () => 0)).toBe(0);
    expect(backoffDelay(0, () => 0.5)).toBe(1500);
    expect(backoffDelay(2, () => 0.999_999)).toBe(11_999);
  });

  it('gives a repeatable sequence for a seeded random, each delay below its ceiling', () => {
    const sequence = (seed: number): number[] => {
      const random = seededRandom(seed);
      return [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, random));
    };
    expect(sequence(42)).toEqual(SEED_42_DELAYS);
    expect(sequence(43)).not.toEqual(SEED_42_DELAYS);
    SEED_42_DELAYS.forEach((delay, attempt) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(backoffCeiling(attempt));
    });
  });

  it('jitters after the cap, so clients at the cap still spread out', () => {
    const random = seededRandom(1);
    const delays = Array.from({ length: 200 }, () => backoffDelay(10, random));
    expect(Math.max(...delays)).toBeLessThan(24_000);
    expect(Math.max(...delays)).toBeGreaterThan(20_000);
    expect(Math.min(...delays)).toBeLessThan(4_000);
    expect(new Set(delays).size).toBeGreaterThan(150);
  });

  it('takes its base and cap as options', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffCeiling(attempt, { baseMs: 100, capMs: 250 }))).toEqual([
      100, 200, 250, 250,
    ]);
  });
});

/** seededRandom(42) drawn against ceilings 3, 6, 12, 24, 24, 24 s. */
const SEED_42_DELAYS = [1803, 2689, 10_229, 16_073, 4195, 12_638];
