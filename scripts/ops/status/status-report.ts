/**
 * status: what the service is doing now, from two scrapes of `/metrics` a short interval apart
 * (rates are the counters' growth over that interval) plus `/ready` for Redis. Pure.
 */
import { sumOf, type Sample } from './prometheus-text.js';

/** Metric names the web server exports (see app/server/metrics.ts and the WebSocket gateway). */
export const METRICS = {
  connectionsOpen: 'ws_connections_open',
  framesSent: 'ws_frames_sent_total',
  httpRequests: 'http_requests_total',
} as const;

/** Routes the page polls when WebSocket is off (fastify route patterns, as labelled). */
export const POLLING_ROUTES: ReadonlySet<string> = new Set(['/jobs', '/jobs/:id', '/jobs/:id/progress']);

export interface Scrape {
  readonly samples: readonly Sample[];
  /** When the scrape was answered, in ms (any monotonic clock). */
  readonly atMs: number;
}

export interface RedisHealth {
  readonly ready: boolean;
  readonly detail: string;
}

export interface StatusReport {
  /** Open WebSockets now; undefined when the server exports no such metric. */
  readonly connectionsOpen?: number;
  readonly framesPerSecond?: number;
  /** GETs of the polled routes per second. */
  readonly pollingRequestsPerSecond?: number;
  /** Every request per second except status's own `/metrics` scrapes. */
  readonly httpRequestsPerSecond?: number;
  readonly intervalSeconds: number;
  readonly redis: RedisHealth;
  readonly websocketEnabled?: boolean;
}

/**
 * Per-second growth of a counter between two scrapes. A smaller second value means the counter
 * restarted (a new pod), so its whole value counts, as Prometheus' rate() does.
 */
export function ratePerSecond(first: number | undefined, second: number | undefined, seconds: number): number | undefined {
  if (second === undefined || seconds <= 0) return undefined;
  const start = first ?? 0;
  const growth = second >= start ? second - start : second;
  return growth / seconds;
}

export function buildStatusReport(first: Scrape, second: Scrape, redis: RedisHealth, websocketEnabled?: boolean): StatusReport {
  const seconds = (second.atMs - first.atMs) / 1000;
  const polling = (scrape: Scrape): number | undefined =>
    sumOf(scrape.samples, METRICS.httpRequests, { method: 'GET', route: (route) => POLLING_ROUTES.has(route) });
  const http = (scrape: Scrape): number | undefined =>
    sumOf(scrape.samples, METRICS.httpRequests, { route: (route) => route !== '/metrics' });
  return {
    connectionsOpen: sumOf(second.samples, METRICS.connectionsOpen),
    framesPerSecond: ratePerSecond(sumOf(first.samples, METRICS.framesSent), sumOf(second.samples, METRICS.framesSent), seconds),
    pollingRequestsPerSecond: ratePerSecond(polling(first), polling(second), seconds),
    httpRequestsPerSecond: ratePerSecond(http(first), http(second), seconds),
    intervalSeconds: seconds,
    redis,
    websocketEnabled,
  };
}

/** The report as aligned lines for a terminal. */
export function formatStatusReport(report: StatusReport): string[] {
  const over = `over ${report.intervalSeconds.toFixed(1)} s`;
  const missing = (metric: string): string => `n/a (the server exports no ${metric})`;
  const rate = (value: number | undefined, metric: string, what: string): string =>
    value === undefined ? missing(metric) : `${value.toFixed(2)}/s (${what}${over})`;
  const websocket = report.websocketEnabled === undefined ? 'unknown (GET /config failed)'
    : report.websocketEnabled ? 'enabled' : 'disabled (clients poll)';
  return [
    `websocket            ${websocket}`,
    `connections open     ${report.connectionsOpen ?? missing(METRICS.connectionsOpen)}`,
    `frames sent          ${rate(report.framesPerSecond, METRICS.framesSent, '')}`,
    `polling requests     ${rate(report.pollingRequestsPerSecond, METRICS.httpRequests, 'GET /jobs, /jobs/{id}, /jobs/{id}/progress, ')}`,
    `all http requests    ${rate(report.httpRequestsPerSecond, METRICS.httpRequests, 'without /metrics, ')}`,
    `redis                ${report.redis.ready ? 'ready' : 'DOWN'} (${report.redis.detail})`,
  ];
}
