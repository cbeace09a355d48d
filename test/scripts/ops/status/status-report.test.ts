import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../../../scripts/ops/status/prometheus-text.js';
import { buildStatusReport, formatStatusReport, ratePerSecond, type Scrape } from '../../../../scripts/ops/status/status-report.js';

const scrape = (atMs: number, lines: string[]): Scrape => ({ atMs, samples: parsePrometheusText(lines.join('\n')) });

describe('status report', () => {
  it('turns counter growth between two scrapes into per-second rates', () => {
    const first = scrape(1000, [
      'ws_connections_open 4', 'ws_frames_sent_total 100',
      'http_requests_total{route="/jobs/:id/progress",method="GET",status="200"} 10',
      'http_requests_total{route="/metrics",method="GET",status="200"} 1',
    ]);
    const second = scrape(6000, [
      'ws_connections_open 5', 'ws_frames_sent_total 150',
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
    const lines = formatStatusReport(buildStatusReport(empty, { ...empty, atMs: 2000 }, { ready: false, detail: 'GET /ready 503' }, false));
    expect(lines).toEqual([
      'websocket            disabled (clients poll)',
      'connections open     n/a (the server exports no ws_connections_open)',
      'frames sent          n/a (the server exports no ws_frames_sent_total)',
      'polling requests     n/a (the server exports no http_requests_total)',
      'all http requests    n/a (the server exports no http_requests_total)',
      'redis                DOWN (GET /ready 503)',
    ]);
  });
});
