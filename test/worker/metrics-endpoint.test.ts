/**
 * The worker's `/metrics` listener and the web's job and queue metrics, with real processes: a job
 * that succeeds and one that times out are counted by outcome and reason, the web sees the failure
 * of the last hour and a job waiting while no worker runs, and HTTP requests are labelled by route
 * pattern (no job id, no token).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sumOf, type Sample } from '../../kit/prometheus-text.js';
import { scrapeMetrics } from '../../kit/scrape-metrics.js';
import { startNodeProcess } from '../../kit/node-process.js';
import {
  startWebProcess,
  startWorkerProcess,
  type WebProcess,
  type WorkerAppProcess,
} from '../../kit/app-processes.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob } from '../support/api-answers.js';
import { tokenFor, waitForTerminal } from '../support/jobs-client.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';

const SECRET = 'worker-metrics-secret-at-least-32-bytes';

/** Scrapes until `check` passes (gauges are read from Redis at scrape time; counters settle after a write). */
async function eventually(url: string, check: (samples: Sample[]) => void, timeoutMs = 10_000): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = await scrapeMetrics(url);
    try {
      check(samples);
      return samples;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('worker and job metrics', () => {
  let redis: RedisServer;
  let web: WebProcess;
  let worker: WorkerAppProcess;
  let token: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, JWT_SECRET: SECRET, UPLOADS_PER_MINUTE: '1000' };
    web = await startWebProcess(env);
    // 20 ms a row: 3 rows finish well inside 800 ms, 200 rows cannot.
    worker = await startWorkerProcess({ ...env, ROW_DELAY_MS: '20', JOB_TIMEOUT_MS: '800' });
    token = await tokenFor(SECRET, 'metrics-user');
  });

  afterAll(async () => {
    await Promise.all([web?.stop('SIGKILL'), worker?.stop('SIGKILL')]);
    await redis?.destroy();
  });

  it('counts a succeeded and a timed-out job on the worker, with durations and rows', async () => {
    const ok = createdJob(await uploadCsv(web.url, token, sampleCsv(3)));
    const slow = createdJob(await uploadCsv(web.url, token, sampleCsv(200)));
    expect(await waitForTerminal(web.url, token, ok.id)).toMatchObject({ status: 'succeeded' });
    expect(await waitForTerminal(web.url, token, slow.id)).toMatchObject({ status: 'failed' });

    const samples = await eventually(worker.metricsUrl, (s) =>
      expect(sumOf(s, 'worker_job_duration_seconds_count')).toBe(2),
    );
    expect(sumOf(samples, 'worker_jobs_started_total')).toBe(2);
    expect(sumOf(samples, 'worker_jobs_succeeded_total')).toBe(1);
    expect(sumOf(samples, 'worker_jobs_failed_total', { reason: 'timeout' })).toBe(1);
    expect(sumOf(samples, 'worker_jobs_failed_total')).toBe(1);
    // The succeeded job's 3 rows plus the rows the timed-out one reached.
    const rows = sumOf(samples, 'worker_rows_processed_total')!;
    expect(rows).toBeGreaterThan(3);
    expect(rows).toBeLessThan(203);
    expect(sumOf(samples, 'worker_job_duration_seconds_sum', { status: 'failed' })).toBeGreaterThanOrEqual(0.8);
    expect(sumOf(samples, 'queue_jobs_waiting')).toBe(0);
    expect(sumOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('shows the failure of the last hour on the web, labels HTTP requests by route pattern only', async () => {
    const job = createdJob(await uploadCsv(web.url, token, sampleCsv(1)));
    await waitForTerminal(web.url, token, job.id);
    await fetch(`${web.url}/jobs/${job.id}/progress?token=${token}`, { headers: { authorization: `Bearer ${token}` } });
    const samples = await eventually(web.url, (s) => expect(sumOf(s, 'queue_jobs_failed_last_hour')).toBe(1));
    expect(sumOf(samples, 'web_ready')).toBe(1);
    const requests = samples.filter((s) => s.name === 'http_requests_total');
    expect(requests.map((s) => s.labels.route)).toEqual(
      expect.arrayContaining(['/jobs', '/jobs/:id', '/jobs/:id/progress']),
    );
    for (const sample of requests) {
      expect(Object.keys(sample.labels).sort()).toEqual(['method', 'route', 'status']);
      const labels = Object.values(sample.labels).join(' ');
      expect(labels).not.toContain(job.id);
      expect(labels).not.toContain(token);
      expect(labels).not.toContain('?');
    }
  });

  it('serves only GET /metrics on the worker listener', async () => {
    expect((await fetch(`${worker.metricsUrl}/`)).status).toBe(404);
    expect((await fetch(`${worker.metricsUrl}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it('shows a job waiting, and its age, on the web while no worker runs', async () => {
    await worker.stop();
    const job = createdJob(await uploadCsv(web.url, token, sampleCsv(1)));
    expect(job.status).toBe('queued');
    const samples = await eventually(web.url, (s) => {
      expect(sumOf(s, 'queue_jobs_waiting')).toBe(1);
      expect(sumOf(s, 'queue_oldest_waiting_age_seconds')).toBeGreaterThan(0.2);
    });
    expect(sumOf(samples, 'queue_jobs_running')).toBe(0);
  });

  it('stops at start with one clear line when the metrics port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const proc = startNodeProcess('app/worker/main.ts', {
        env: { REDIS_URL: redis.url, JWT_SECRET: SECRET, HOST: '127.0.0.1', WORKER_METRICS_PORT: String(port) },
      });
      expect(await proc.exited).toBe(1);
      expect(proc.lines).toContain(
        `worker failed to start: the metrics port 127.0.0.1:${port} is in use; set WORKER_METRICS_PORT to a free port (0 picks one)`,
      );
    } finally {
      blocker.close();
    }
  });
});
