import { describe, expect, it } from 'vitest';
import { histogramQuantile } from '../../../../scripts/ops/status/histogram-quantile.js';

const inf = Infinity;

describe('histogram quantile', () => {
  it('interpolates inside the bucket that holds the rank, as PromQL does', () => {
    // 100 observations: 50 up to 10 ms, 90 up to 100 ms, all up to 250 ms.
    const buckets = [
      { le: 0.01, count: 50 },
      { le: 0.1, count: 90 },
      { le: 0.25, count: 100 },
      { le: inf, count: 100 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.01, 12);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.01 + 0.09 * (20 / 40), 12);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.1 + 0.15 * (9 / 10), 12);
  });

  it('starts the lowest bucket at 0 and answers the highest finite bound for a rank in +Inf', () => {
    expect(
      histogramQuantile(0.5, [
        { le: 0.001, count: 10 },
        { le: inf, count: 10 },
      ]),
    ).toBeCloseTo(0.0005, 12);
    expect(
      histogramQuantile(0.99, [
        { le: 0.5, count: 1 },
        { le: 1, count: 2 },
        { le: inf, count: 10 },
      ]),
    ).toBe(1);
  });

  it('takes the buckets in any order', () => {
    const shuffled = [
      { le: inf, count: 4 },
      { le: 1, count: 4 },
      { le: 0.5, count: 2 },
    ];
    expect(histogramQuantile(0.5, shuffled)).toBeCloseTo(0.5, 12);
  });

  it('answers undefined without observations or without the +Inf bucket', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 0.1, count: 0 },
        { le: inf, count: 0 },
      ]),
    ).toBeUndefined();
    expect(
      histogramQuantile(0.99, [
        { le: 0.1, count: 3 },
        { le: 1, count: 3 },
      ]),
    ).toBeUndefined();
    expect(histogramQuantile(0.99, [])).toBeUndefined();
  });
});
