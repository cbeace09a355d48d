/**
 * status: what the service is doing now, from two scrapes of `/metrics` a short interval apart
 * (rates and the delivery p99 are the counters' growth over that interval; the queue gauges are the
 * second scrape's) plus `/ready` for Redis. Pure.
 */
import { METRIC } from '../../../app/domain/metric-names.js';
import { histogramQuantile } from './histogram-quantile.js';
import { sumOf, type Sample } from '../../../kit/prometheus-text.js';

/** Metric names the web server exports (app/domain/metric-names.ts lists them all). */
export const METRICS = {
  connectionsOpen: METRIC.wsConnectionsOpen,
  framesSent: METRIC.wsFramesSent,
  httpRequests: METRIC.httpRequests,
  deliveryLatencyBucket: `${METRIC.deliveryLatency}_bucket`,
  jobsWaiting: METRIC.queueWaiting,
  jobsRunning: METRIC.queueRunning,
  jobsFailedLastHour: METRIC.jobsFailedLastHour,
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
  /** 99th percentile of delivery latency over the interval; undefined without deliveries in it. */
  readonly deliveryP99Seconds?: number;
  /** Deliveries (fan-outs) over the interval. */
  readonly deliveries?: number;
  /** The queue, as the second scrape saw it (undefined while Redis is unreachable). */
  readonly jobsWaiting?: number;
  readonly jobsRunning?: number;
  readonly jobsFailedLastHour?: number;
  readonly intervalSeconds: number;
  readonly redis: RedisHealth;
  readonly websocketEnabled?: boolean;
}

/**
 * Per-second growth of a counter between two scrapes. A smaller second value means the counter
 * restarted (a new pod), so its whole value counts, as Prometheus' rate() does.
 */
export function ratePerSecond(
  first: number | undefined,
  second: number | undefined,
  seconds: number,
): number | undefined {
  if (second === undefined || seconds <= 0) return undefined;
  return counterGrowth(first, second) / seconds;
}

/** A counter's growth between two scrapes; a smaller second value is a restart, counted whole. */
function counterGrowth(first: number | undefined, second: number): number {
  const start = first ?? 0;
  return second >= start ? second - start : second;
}

export function buildStatusReport(
  first: Scrape,
  second: Scrape,
  redis: RedisHealth,
  websocketEnabled?: boolean,
): StatusReport {
  const seconds = (second.atMs - first.atMs) / 1000;
  const polling = (scrape: Scrape): number | undefined =>
    sumOf(scrape.samples, METRICS.httpRequests, { method: 'GET', route: (route) => POLLING_ROUTES.has(route) });
  const http = (scrape: Scrape): number | undefined =>
    sumOf(scrape.samples, METRICS.httpRequests, { route: (route) => route !== '/metrics' });
  return {
    connectionsOpen: sumOf(second.samples, METRICS.connectionsOpen),
    framesPerSecond: ratePerSecond(
      sumOf(first.samples, METRICS.framesSent),
      sumOf(second.samples, METRICS.framesSent),
      seconds,
    ),
    pollingRequestsPerSecond: ratePerSecond(polling(first), polling(second), seconds),
    httpRequestsPerSecond: ratePerSecond(http(first), http(second), seconds),
    ...deliveryOver(first, second),
    jobsWaiting: sumOf(second.samples, METRICS.jobsWaiting),
    jobsRunning: sumOf(second.samples, METRICS.jobsRunning),
    jobsFailedLastHour: sumOf(second.samples, METRICS.jobsFailedLastHour),
    intervalSeconds: seconds,
    redis,
    websocketEnabled,
  };
}

/** Delivery p99 and count from the growth of each latency bucket between the two scrapes. */
function deliveryOver(first: Scrape, second: Scrape): Pick<StatusReport, 'deliveryP99Seconds' | 'deliveries'> {
  const buckets = second.samples
    .filter((s) => s.name === METRICS.deliveryLatencyBucket)
    .map((s) => {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      const before = sumOf(first.samples, METRICS.deliveryLatencyBucket, { le: s.labels.le ?? '' });
      return { le, count: counterGrowth(before, s.value) };
    });
  if (buckets.length === 0) return {};
  const deliveries = Math.max(...buckets.map((b) => b.count));
  const p99 = histogramQuantile(0.99, buckets);
  return p99 === undefined ? { deliveries } : { deliveries, deliveryP99Seconds: p99 };
}

/** The report as aligned lines for a terminal. */
export function formatStatusReport(report: StatusReport): string[] {
  const over = `over ${report.intervalSeconds.toFixed(1)} s`;
  const missing = (metric: string): string => `n/a (the server exports no ${metric})`;
  const rate = (value: number | undefined, metric: string, what: string): string =>
    value === undefined ? missing(metric) : `${value.toFixed(2)}/s (${what}${over})`;
  const websocket =
    report.websocketEnabled === undefined
      ? 'unknown (GET /config failed)'
      : report.websocketEnabled
        ? 'enabled'
        : 'disabled (clients poll)';
  return [
    `websocket            ${websocket}`,
    `connections open     ${report.connectionsOpen ?? missing(METRICS.connectionsOpen)}`,
    `frames sent          ${rate(report.framesPerSecond, METRICS.framesSent, '')}`,
    `polling requests     ${rate(report.pollingRequestsPerSecond, METRICS.httpRequests, 'GET /jobs, /jobs/{id}, /jobs/{id}/progress, ')}`,
    `all http requests    ${rate(report.httpRequestsPerSecond, METRICS.httpRequests, 'without /metrics, ')}`,
    `delivery p99         ${delivery(report, over)}`,
    `jobs                 ${jobs(report)}`,
    `redis                ${report.redis.ready ? 'ready' : 'DOWN'} (${report.redis.detail})`,
  ];
}

function delivery(report: StatusReport, over: string): string {
  if (report.deliveries === undefined) return `n/a (the server exports no ${METRIC.deliveryLatency})`;
  if (report.deliveryP99Seconds === undefined) return `n/a (no deliveries ${over})`;
  return `${(report.deliveryP99Seconds * 1000).toFixed(1)} ms (${Math.round(report.deliveries)} deliveries ${over})`;
}

function jobs(report: StatusReport): string {
  if (report.jobsWaiting === undefined) return 'n/a (the server exports no queue gauges, or Redis is unreachable)';
  return `${report.jobsWaiting} waiting, ${report.jobsRunning ?? 0} running, ${report.jobsFailedLastHour ?? 0} failed in the last hour`;
}
