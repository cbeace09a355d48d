import { describe, expect, it } from 'vitest';
import { roundRobin, statesOfJob } from '../../bench/runner/publisher.js';
import { clientSpecs } from '../../bench/runner/run-system.js';

describe('publishing plan', () => {
  it('shares the running states among the jobs, the remainder to the first jobs', () => {
    const counts = Array.from({ length: 3 }, (_, i) => statesOfJob(i, 3, 8));
    expect(counts).toEqual([3, 3, 2]);
    expect(counts.reduce((a, b) => a + b)).toBe(8);
  });

  it('publishes one state per job per round, so every job is equally far along', () => {
    expect(roundRobin([{ states: 2 }, { states: 1 }, { states: 2 }])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 1],
      [2, 1],
    ]);
  });
});

describe('clients of a run', () => {
  const jobs = [0, 1, 2].map((index) => ({
    index,
    id: `job-${index}`,
    userId: `u${index}`,
    token: `t${index}`,
    states: 1,
  }));

  it('puts client i on job i mod J with the token of the job owner', () => {
    const specs = clientSpecs('this', 7, jobs);
    expect(specs.map((s) => s.jobIndex)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(specs[4]).toEqual({ jobIndex: 1, jobId: 'job-1', token: 't1' });
  });

  it('gives floor one channel per job', () => {
    expect(clientSpecs('floor', 1000, jobs)).toHaveLength(3);
  });
});
