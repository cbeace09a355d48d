/** The worker's metrics as the composition root feeds them: attempts, outcomes, durations, rows. */
import { describe, expect, it } from 'vitest';
import { WorkerMetrics } from '../../../app/worker/metrics/worker-metrics.js';
import { parsePrometheusText, sumOf } from '../../../kit/prometheus-text.js';

async function samples(metrics: WorkerMetrics) {
  return parsePrometheusText((await metrics.render()).body);
}

describe('worker metrics', () => {
  it('counts starts, outcomes by reason and rows, and times each attempt on the given clock', async () => {
    let clock = 1_000;
    const metrics = new WorkerMetrics({ collectDefaults: false, now: () => clock });
    const first = metrics.attemptStarted();
    const second = metrics.attemptStarted();
    clock += 1_500;
    first.finished({ status: 'succeeded', rows: 40 });
    clock += 3_000;
    second.finished({ status: 'failed', reason: 'timeout', rows: 7 });
    metrics.lostJobFailed();
    metrics.publishFailure('progress');

    const s = await samples(metrics);
    expect(sumOf(s, 'worker_jobs_started_total')).toBe(2);
    expect(sumOf(s, 'worker_jobs_succeeded_total')).toBe(1);
    expect(sumOf(s, 'worker_jobs_failed_total', { reason: 'timeout' })).toBe(1);
    expect(sumOf(s, 'worker_jobs_failed_total', { reason: 'lost' })).toBe(1);
    expect(sumOf(s, 'worker_jobs_failed_total')).toBe(2);
    expect(sumOf(s, 'worker_rows_processed_total')).toBe(47);
    expect(sumOf(s, 'worker_job_duration_seconds_sum', { status: 'succeeded' })).toBeCloseTo(1.5, 9);
    expect(sumOf(s, 'worker_job_duration_seconds_sum', { status: 'failed' })).toBeCloseTo(4.5, 9);
    expect(sumOf(s, 'worker_job_duration_seconds_bucket', { status: 'succeeded', le: '1' })).toBe(0);
    expect(sumOf(s, 'worker_job_duration_seconds_bucket', { status: 'succeeded', le: '2.5' })).toBe(1);
    expect(sumOf(s, 'worker_publish_failures_total', { kind: 'progress' })).toBe(1);
    expect(sumOf(s, 'worker_publish_failures_total', { kind: 'terminal' })).toBe(0);
  });

  it('writes every failure reason at 0 before the first failure, so a ratio over them is defined', async () => {
    const s = await samples(new WorkerMetrics({ collectDefaults: false }));
    const reasons = s
      .filter((x) => x.name === 'worker_jobs_failed_total')
      .map((x) => x.labels.reason)
      .sort();
    expect(reasons).toEqual(['bad_input', 'error', 'input_missing', 'lost', 'storage', 'timeout', 'worker_died']);
    expect(sumOf(s, 'worker_jobs_failed_total')).toBe(0);
  });

  it('exports process memory with the default metrics', async () => {
    expect(sumOf(await samples(new WorkerMetrics()), 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
