import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from '../../kit/prometheus-text.js';

const TEXT = `# HELP http_requests_total HTTP requests answered, by route pattern, method and status code
# TYPE http_requests_total counter
http_requests_total{route="/jobs",method="GET",status="200"} 12
http_requests_total{route="/jobs/:id/progress",method="GET",status="200"} 30
http_requests_total{route="/jobs/:id/progress",method="GET",status="404"} 2
http_requests_total{route="/jobs",method="POST",status="201"} 5
http_requests_total{route="/metrics",method="GET",status="200"} 7

# HELP ws_connections_open Open WebSocket connections
# TYPE ws_connections_open gauge
ws_connections_open 3
ws_frames_sent_total 1.5e3 1700000000000
odd_label{msg="say \\"hi\\", ok",path="a\\\\b"} 1
weird_values{v="inf"} +Inf
broken{route="/x" 4
`;

describe('prometheus text', () => {
  it('reads names, labels and values, skipping comments, blanks and malformed lines', () => {
    const samples = parsePrometheusText(TEXT);
    expect(samples).toHaveLength(9);
    expect(samples[0]).toEqual({
      name: 'http_requests_total',
      labels: { route: '/jobs', method: 'GET', status: '200' },
      value: 12,
    });
    expect(samples.find((s) => s.name === 'ws_frames_sent_total')?.value).toBe(1500);
    expect(samples.find((s) => s.name === 'odd_label')?.labels).toEqual({ msg: 'say "hi", ok', path: 'a\\b' });
    expect(samples.find((s) => s.name === 'weird_values')?.value).toBe(Infinity);
    expect(samples.some((s) => s.name === 'broken')).toBe(false);
  });

  it('sums samples by exact label values or predicates', () => {
    const samples = parsePrometheusText(TEXT);
    expect(sumOf(samples, 'http_requests_total')).toBe(56);
    expect(sumOf(samples, 'http_requests_total', { method: 'GET', route: (r) => r.startsWith('/jobs') })).toBe(44);
    expect(sumOf(samples, 'http_requests_total', { method: 'DELETE' })).toBe(0);
    expect(sumOf(samples, 'ws_connections_open')).toBe(3);
  });

  it('answers undefined for a metric the server does not export', () => {
    expect(sumOf(parsePrometheusText(TEXT), 'nope_total')).toBeUndefined();
  });
});
