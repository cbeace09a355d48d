import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../../../kit/prometheus-text.js';
import { renderLiveView, renderScrapeFailure } from '../../../../scripts/ops/status/live-view.js';
import {
  buildStatusReport,
  formatStatusReport,
  ratePerSecond,
  type Scrape,
} from '../../../../scripts/ops/status/status-report.js';

const scrape = (atMs: number, lines: string[]): Scrape => ({ atMs, samples: parsePrometheusText(lines.join('\n')) });

describe('status report', () => {
  it('turns counter growth between two scrapes into per-second rates', () => {
    const first = scrape(1000, [
      'ws_connections_open 4',
      'ws_frames_sent_total 100',
      'http_requests_total{route="/jobs/:id/progress",method="GET",status="200"} 10',
      'http_requests_total{route="/metrics",method="GET",status="200"} 1',
    ]);
    const second = scrape(6000, [
      'ws_connections_open 5',
      'ws_frames_sent_total 150',
      'http_requests_total{route="/jobs/:id/progress",method="GET",status="200"} 20',
      'http_requests_total{route="/jobs",method="POST",status="201"} 5',
      'http_requests_total{route="/metrics",method="GET",status="200"} 2',
    ]);
    const report = buildStatusReport(first, second, { ready: true, detail: 'GET /ready 200' }, true);
    expect(report).toEqual({
      connectionsOpen: 5,
      framesPerSecond: 10,
      pollingRequestsPerSecond: 2,
      httpRequestsPerSecond: 3,
      intervalSeconds: 5,
      redis: { ready: true, detail: 'GET /ready 200' },
      websocketEnabled: true,
    });
  });

  it('counts a restarted counter from zero, as Prometheus rate() does', () => {
    expect(ratePerSecond(500, 20, 10)).toBe(2);
    expect(ratePerSecond(undefined, 20, 10)).toBe(2);
    expect(ratePerSecond(5, undefined, 10)).toBeUndefined();
  });

  it('says n/a for metrics the server does not export, and DOWN for Redis', () => {
    const empty = scrape(0, []);
    const lines = formatStatusReport(
      buildStatusReport(empty, { ...empty, atMs: 2000 }, { ready: false, detail: 'GET /ready 503' }, false),
    );
    expect(lines).toEqual([
      'websocket            disabled (clients poll)',
      'connections open     n/a (the server exports no ws_connections_open)',
      'frames sent          n/a (the server exports no ws_frames_sent_total)',
      'polling requests     n/a (the server exports no http_requests_total)',
      'all http requests    n/a (the server exports no http_requests_total)',
      'delivery p99         n/a (the server exports no progress_delivery_latency_seconds)',
      'jobs                 n/a (the server exports no queue gauges, or Redis is unreachable)',
      'redis                DOWN (GET /ready 503)',
    ]);
  });

  const latency = (counts: [string, number][]): string[] =>
    counts.map(([le, count]) => `progress_delivery_latency_seconds_bucket{le="${le}"} ${count}`);

  it('takes the delivery p99 of the interval from the growth of each bucket, not from all time', () => {
    // Before: 1,000 slow deliveries (up to 250 ms). During: 100 fast ones, 99 within 1 ms.
    const first = scrape(
      0,
      latency([
        ['0.001', 0],
        ['0.1', 0],
        ['0.25', 1000],
        ['+Inf', 1000],
      ]),
    );
    const second = scrape(5000, [
      ...latency([
        ['0.001', 99],
        ['0.1', 100],
        ['0.25', 1100],
        ['+Inf', 1100],
      ]),
      'queue_jobs_waiting 2',
      'queue_jobs_running 1',
      'queue_jobs_failed_last_hour 3',
    ]);
    const report = buildStatusReport(first, second, { ready: true, detail: 'GET /ready 200' });
    expect(report.deliveries).toBe(100);
    expect(report.deliveryP99Seconds).toBeCloseTo(0.001, 9);
    expect(report).toMatchObject({ jobsWaiting: 2, jobsRunning: 1, jobsFailedLastHour: 3 });
    const lines = formatStatusReport(report);
    expect(lines).toContain('delivery p99         1.0 ms (100 deliveries over 5.0 s)');
    expect(lines).toContain('jobs                 2 waiting, 1 running, 3 failed in the last hour');
  });

  it('says so when nothing was delivered in the interval', () => {
    const same = latency([
      ['0.001', 5],
      ['+Inf', 5],
    ]);
    const lines = formatStatusReport(
      buildStatusReport(scrape(0, same), scrape(2000, same), { ready: true, detail: 'ok' }),
    );
    expect(lines).toContain('delivery p99         n/a (no deliveries over 2.0 s)');
  });
});

describe('live view', () => {
  const header = { url: 'http://127.0.0.1:8080', everySeconds: 5, at: new Date('2026-01-01T12:34:56.789Z') };

  it('is a header with the target, the refresh and the time, then the status lines', () => {
    const report = buildStatusReport(
      scrape(0, ['ws_connections_open 7']),
      scrape(5000, ['ws_connections_open 7']),
      { ready: true, detail: 'GET /ready 200' },
      true,
    );
    expect(renderLiveView(report, header)).toEqual([
      'http://127.0.0.1:8080  every 5 s, Ctrl-C stops  12:34:56 UTC',
      '',
      ...formatStatusReport(report),
    ]);
    expect(renderLiveView(report, header)).toContain('connections open     7');
  });

  it('shows a failed round and that it tries again', () => {
    expect(renderScrapeFailure('GET http://x/metrics failed: ECONNREFUSED', header)).toEqual([
      'http://127.0.0.1:8080  every 5 s, Ctrl-C stops  12:34:56 UTC',
      '',
      'unavailable          GET http://x/metrics failed: ECONNREFUSED (trying again)',
    ]);
  });
});
