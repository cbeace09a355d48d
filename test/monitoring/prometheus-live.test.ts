/**
 * The monitoring with real parts: a real `prometheus` scrapes a real local stack (Redis, web, worker)
 * with the rules rendered from the PromQL module (the production expressions, short `for:` through
 * the test-only render option, thresholds a laptop can cross). It drives a job that succeeds, one that
 * times out, a watched WebSocket, then stops the worker while a job waits and stops Redis, and reads
 * through Prometheus' HTTP API that every metric the dashboard and alerts name exists and that each
 * expected alert turns pending and then firing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { appMemoryLimits } from '../../infra/monitoring/dashboard.js';
import { alertRules, dashboardPanels, seriesIn } from '../../infra/monitoring/promql.js';
import { renderPrometheusRules } from '../../infra/monitoring/prometheus-rules.js';
import type { AlertThresholds } from '../../infra/monitoring/thresholds.js';
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
import { startPrometheus, type PrometheusServer } from './support/prometheus-server.js';
import { systemTool } from './support/system-tool.js';

const SECRET = 'prometheus-live-secret-at-least-32-bytes';
const prometheusBinary = systemTool('prometheus', 'apt-get install prometheus');

// Thresholds a few jobs on a laptop cross; the expressions are the production ones.
const thresholds: AlertThresholds = {
  jobFailureRatio: 0.2,
  jobFailureMinJobs: 1,
  wsErrorClosesPerMinute: 1,
  // Below the histogram's first bucket (1 ms): any delivery makes p99 exceed it.
  deliveryP99ObjectiveSeconds: 0.0005,
  // 3 s.
  queueWaitMinutes: 0.05,
  capacityRejectionsPer10Minutes: 0,
  notReadyMinutes: 1,
};

describe.skipIf(!prometheusBinary.path)('a real Prometheus scraping the local stack', () => {
  let redis: RedisServer;
  let web: WebProcess;
  let worker: WorkerAppProcess;
  let prometheus: PrometheusServer;
  let token: string;
  /** Every state each alert was seen in, polled through the test. */
  const seen = new Map<string, Set<string>>();
  let polling: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, JWT_SECRET: SECRET, UPLOADS_PER_MINUTE: '1000' };
    web = await startWebProcess(env);
    // 30 ms a row: 3 rows succeed within the 700 ms timeout, 100 rows cannot.
    worker = await startWorkerProcess({ ...env, ROW_DELAY_MS: '30', JOB_TIMEOUT_MS: '700' });
    token = await tokenFor(SECRET, 'prometheus-user');
    prometheus = await startPrometheus(
      prometheusBinary.path!,
      [
        { job: 'web', url: web.url },
        { job: 'rq-worker', url: worker.metricsUrl },
      ],
      renderPrometheusRules(thresholds, { forSecondsOverride: 2, evaluationIntervalSeconds: 1 }),
    );
    // Counters must be scraped at their start value before anything happens, as in production.
    await until(async () => expect(await prometheus.healthyTargets()).toBe(2), 20_000);
    polling = setInterval(() => {
      prometheus.alerts().then(
        (alerts) => {
          for (const alert of alerts) {
            const name = alert.labels.alertname!;
            seen.set(name, (seen.get(name) ?? new Set()).add(alert.state));
          }
        },
        () => undefined,
      );
    }, 250);
  }, 60_000);

  afterAll(async () => {
    clearInterval(polling);
    await prometheus?.stop();
    await Promise.all([web?.stop('SIGKILL'), worker?.stop('SIGKILL')]);
    await redis?.destroy();
  });

  /** Waits until `name` has been seen firing, having been pending first. */
  const fires = async (name: string): Promise<void> => {
    await until(
      () =>
        expect(seen.get(name), `${name}; seen: ${JSON.stringify([...seen].map(([k, v]) => [k, [...v]]))}`).toContain(
          'firing',
        ),
      30_000,
    );
    expect(seen.get(name)).toContain('pending');
  };

  it('sees a failed job and slow deliveries: JobFailureRatioHigh and DeliveryLatencyP99High fire', async () => {
    const ok = createdJob(await uploadCsv(web.url, token, sampleCsv(3)));
    const frames = await watchToTheEnd(ok.id);
    expect(frames.at(-1)).toMatchObject({ status: 'succeeded' });
    const slow = createdJob(await uploadCsv(web.url, token, sampleCsv(100)));
    expect(await waitForTerminal(web.url, token, slow.id)).toMatchObject({ status: 'failed' });
    await fires('JobFailureRatioHigh');
    await fires('DeliveryLatencyP99High');
  }, 60_000);

  it('has every metric the dashboard and the alerts name', async () => {
    const named = new Set([
      ...alertRules(thresholds).flatMap((a) => seriesIn(a.expr)),
      ...dashboardPanels(thresholds, appMemoryLimits()).flatMap((p) => p.queries.flatMap((q) => seriesIn(q.expr))),
    ]);
    await until(async () => {
      const present = new Set(await prometheus.seriesNames());
      expect([...named].filter((name) => !present.has(name))).toEqual([]);
    }, 20_000);
    expect(named.size).toBeGreaterThan(12);
  }, 30_000);

  it("sees a job wait with no worker running: JobsWaitingTooLong fires from the web's queue gauges", async () => {
    await worker.stop();
    const waiting = createdJob(await uploadCsv(web.url, token, sampleCsv(1)));
    expect(waiting.status).toBe('queued');
    await fires('JobsWaitingTooLong');
  }, 60_000);

  it('sees Redis down: WebNotReady fires, and WebSocketErrorClosesHigh from the 1013 refusals', async () => {
    await redis.stop();
    // The first refusal creates the 1013 series; rate() counts only what comes after a scrape of it.
    expect(await refusedWith()).toBe(1013);
    await new Promise((r) => setTimeout(r, 2_500));
    for (let i = 0; i < 5; i++) expect(await refusedWith()).toBe(1013);
    await fires('WebNotReady');
    await fires('WebSocketErrorClosesHigh');
  }, 60_000);

  it('leaves CapacityRefusals quiet: nothing was refused for capacity', () => {
    expect(seen.has('CapacityRefusals')).toBe(false);
  });

  /** Opens the job's WebSocket and collects its frames until the server closes it. */
  function watchToTheEnd(jobId: string): Promise<Record<string, unknown>[]> {
    const frames: Record<string, unknown>[] = [];
    const socket = new WebSocket(`${web.url.replace('http', 'ws')}/ws/jobs/${jobId}`, ['bearer', token]);
    socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
    return new Promise((resolve, reject) => {
      socket.once('close', (code) => (code === 1000 ? resolve(frames) : reject(new Error(`closed ${code}`))));
      socket.once('error', reject);
    });
  }

  /** Opens a WebSocket for some job id and answers the code it is closed with. */
  function refusedWith(): Promise<number> {
    const socket = new WebSocket(`${web.url.replace('http', 'ws')}/ws/jobs/00000000-0000-4000-8000-000000000000`, [
      'bearer',
      token,
    ]);
    return new Promise((resolve, reject) => {
      socket.once('close', (code) => resolve(code));
      socket.once('error', reject);
    });
  }
});

async function until(check: () => unknown, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
