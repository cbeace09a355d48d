import { describe, expect, it } from 'vitest';
import { coverStates } from '../../bench/report/coverage.js';

const sent = { firstSeq: 2, sendTimes: Float64Array.from([100, 200, 300]) };

describe('joining received frames with published states', () => {
  it('gives one latency per state when every state arrives', () => {
    const latencies: number[] = [];
    const coverage = coverStates({ seqs: [1, 2, 3, 4], times: [50, 101, 202, 303] }, sent, { latencies });
    expect(coverage).toEqual({ delivered: 3, expected: 3, exactFrames: 3, outOfOrder: 0 });
    expect(latencies).toEqual([1, 2, 3]);
  });

  it('counts a coalesced state as delivered with the later frame', () => {
    const latencies: number[] = [];
    const coverage = coverStates({ seqs: [1, 4], times: [50, 310] }, sent, { latencies });
    expect(coverage).toMatchObject({ delivered: 3, exactFrames: 1 });
    expect(latencies).toEqual([210, 110, 10]);
  });

  it('shows loss when the last states never arrive', () => {
    const latencies: number[] = [];
    const coverage = coverStates({ seqs: [1, 2], times: [50, 105] }, sent, { latencies });
    expect(coverage).toMatchObject({ delivered: 1, expected: 3 });
    expect(latencies).toEqual([5]);
  });

  it('counts frames that do not grow seq as out of order and ignores them', () => {
    const latencies: number[] = [];
    const coverage = coverStates({ seqs: [2, 2, 3, 2, 4], times: [101, 150, 201, 250, 301] }, sent, { latencies });
    expect(coverage).toMatchObject({ delivered: 3, outOfOrder: 2 });
    expect(latencies).toEqual([1, 1, 1]);
  });

  it('keeps the terminal state apart when asked', () => {
    const latencies: number[] = [];
    const terminalLatencies: number[] = [];
    coverStates({ seqs: [2, 3, 4], times: [101, 202, 350] }, sent, { latencies, terminalLatencies });
    expect(latencies).toEqual([1, 2]);
    expect(terminalLatencies).toEqual([50]);
  });

  it('keeps the worst latency per slice of send time', () => {
    const timeline = { start: 100, bucketMs: 150, max: [] as number[] };
    coverStates({ seqs: [2, 3, 4], times: [109, 203, 330] }, sent, { latencies: [], timeline });
    expect(timeline.max).toEqual([9, 30]);
  });

  it('corrects receive times by the client process clock offset', () => {
    const latencies: number[] = [];
    coverStates({ seqs: [2], times: [110.5] }, { firstSeq: 2, sendTimes: [100] }, { latencies, clockOffsetMs: 10 });
    expect(latencies[0]).toBeCloseTo(0.5);
  });
});
