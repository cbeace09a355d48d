import { describe, expect, it } from 'vitest';
import { median, percentile, range, summarize } from '../../bench/report/stats.js';

describe('latency statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted samples without changing them', () => {
    const samples = [5, 1, 4, 2, 3];
    const summary = summarize(samples);
    expect(summary).toEqual({ count: 5, p50: 3, p95: 5, p99: 5, max: 5, min: 1 });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });

  it('takes the median and range of the finite values only', () => {
    expect(median([3, null, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, undefined])).toBeUndefined();
    expect(range([2, null, 9, 4])).toEqual({ min: 2, max: 9 });
  });
});
