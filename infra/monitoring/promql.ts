/**
 * Every PromQL expression of the deployment's monitoring, in one place: the alerts (Cloud Monitoring
 * alert policies in infra/pulumi/monitoring.ts, and the Prometheus rules file that promtool checks and
 * a local Prometheus evaluates) and the dashboard's charts. The same text runs in both: Cloud
 * Monitoring queries metrics collected by Managed Service for Prometheus under their Prometheus names
 * (counters keep `_total`, histograms have `_bucket`), on the `prometheus_target` resource whose
 * `namespace` label every series carries (https://cloud.google.com/stackdriver/docs/managed-prometheus/promql).
 * Aggregating `by (namespace)` therefore gives one series per deployment there and one here, where
 * there is no such label. Only PromQL that Prometheus 2.42 (Debian's, used by the tests) evaluates.
 */
import { METRIC, type MetricName } from '../../app/domain/metric-names.js';
import { CLOSE_ABNORMAL, CLOSE_INTERNAL_ERROR, CLOSE_TRY_AGAIN_LATER } from '../../app/domain/wire-contract.js';
import type { AlertThresholds } from './thresholds.js';

/** The rule group of the rules file; Cloud Monitoring keeps it as each condition's `ruleGroup`. */
export const ALERT_GROUP = 'personalizedline';

/** One alert: a condition that fires once `expr` has had results for `forSeconds`. */
export interface AlertRule {
  /** The alert's name (a Prometheus label value, CamelCase); docs/runbook.md has an entry per name. */
  readonly name: string;
  readonly expr: string;
  readonly forSeconds: number;
  /** `page`: someone acts now (Cloud Monitoring CRITICAL); `ticket`: within the working day (WARNING). */
  readonly severity: 'page' | 'ticket';
  /** One line, for the notification's subject. */
  readonly summary: string;
  /** What it means, for the notification's body. */
  readonly description: string;
}

/** WebSocket close codes that mean trouble: abnormal (no close frame), internal error, try again later. */
export const ERROR_CLOSE_CODES: readonly string[] = [CLOSE_ABNORMAL, CLOSE_INTERNAL_ERROR, CLOSE_TRY_AGAIN_LATER].map(
  String,
);

/**
 * Which series the expressions look at. Cloud Monitoring holds every namespace of the project, so a
 * stack's alerts and dashboard select its own; a local Prometheus has no `namespace` label.
 */
export interface Scope {
  /** Adds `namespace="…"` to every selector. @default undefined (every series) */
  readonly namespace?: string;
}

/** A selector of `metric` in `scope`, with extra label matchers. */
function selector(scope: Scope, metric: string, ...matchers: string[]): string {
  const all = [...(scope.namespace === undefined ? [] : [`namespace="${scope.namespace}"`]), ...matchers];
  return all.length === 0 ? metric : `${metric}{${all.join(',')}}`;
}

/** The alerts, with `thresholds` filled in, over the series of `scope`. */
export function alertRules(t: AlertThresholds, scope: Scope = {}): AlertRule[] {
  const m = (metric: string, ...matchers: string[]): string => selector(scope, metric, ...matchers);
  const ended = (window: string): string =>
    `(sum by (namespace) (increase(${m(METRIC.jobsFailed)}[${window}])) + sum by (namespace) (increase(${m(METRIC.jobsSucceeded)}[${window}])))`;
  return [
    {
      name: 'JobFailureRatioHigh',
      expr:
        `(sum by (namespace) (increase(${m(METRIC.jobsFailed)}[15m])) / ${ended('15m')}) > ${t.jobFailureRatio}\n` +
        `and ${ended('15m')} >= ${t.jobFailureMinJobs}`,
      forSeconds: 300,
      severity: 'page',
      summary: `More than ${pct(t.jobFailureRatio)} of the jobs of the last 15 minutes failed`,
      description:
        `Of the jobs that ended in the last 15 minutes (at least ${t.jobFailureMinJobs}), more than ${pct(t.jobFailureRatio)} ended failed. ` +
        `${METRIC.jobsFailed} says why, by reason.`,
    },
    {
      name: 'WebSocketErrorClosesHigh',
      expr: `sum by (namespace) (rate(${m(METRIC.wsConnectionsClosed, `code=~"${ERROR_CLOSE_CODES.join('|')}"`)}[5m])) * 60 > ${t.wsErrorClosesPerMinute}`,
      forSeconds: 600,
      severity: 'ticket',
      summary: `More than ${t.wsErrorClosesPerMinute} WebSocket error closes a minute`,
      description:
        `WebSockets are closing with ${ERROR_CLOSE_CODES.join(', ')} (abnormal, internal error, try again later) more than ` +
        `${t.wsErrorClosesPerMinute} times a minute for 10 minutes. Clients reconnect and lose nothing, but every reconnect costs a snapshot.`,
    },
    {
      name: 'DeliveryLatencyP99High',
      expr: `${quantile(scope, 0.99)} > ${t.deliveryP99ObjectiveSeconds}`,
      forSeconds: 600,
      severity: 'ticket',
      summary: `Progress delivery p99 above its ${ms(t.deliveryP99ObjectiveSeconds)} objective`,
      description:
        `The 99th percentile of the time from a Progress message's "at" to its fan-out to every WebSocket of the job ` +
        `has been above ${ms(t.deliveryP99ObjectiveSeconds)} for 10 minutes.`,
    },
    {
      name: 'JobsWaitingTooLong',
      expr: `max by (namespace) (${m(METRIC.queueOldestWaitingAge)}) > ${t.queueWaitMinutes * 60}`,
      forSeconds: 60,
      severity: 'page',
      summary: `A job has waited more than ${t.queueWaitMinutes} minutes for a worker`,
      description: `The oldest waiting job was queued more than ${t.queueWaitMinutes} minutes ago: no worker is taking jobs, or too few for the load.`,
    },
    {
      name: 'CapacityRefusals',
      expr: `sum by (namespace) (increase(${m(METRIC.capacityRejections)}[10m])) > ${t.capacityRejectionsPer10Minutes}`,
      forSeconds: 300,
      severity: 'ticket',
      summary: `More than ${t.capacityRejectionsPer10Minutes} uploads refused for capacity in 10 minutes`,
      description: `Uploads are answered 503 CAPACITY_EXCEEDED (with Retry-After): the service has no room for more jobs right now.`,
    },
    {
      name: 'WebNotReady',
      expr: `min by (namespace) (${m(METRIC.webReady)}) < 1`,
      forSeconds: t.notReadyMinutes * 60,
      severity: 'page',
      summary: `A web pod has not been ready for ${t.notReadyMinutes} minutes`,
      description: `GET /ready answers 503 on at least one web pod: it cannot reach Redis, so Kubernetes keeps it out of the Service.`,
    },
  ];
}

/** How a dashboard chart draws its queries. */
export type PanelKind = 'scorecard' | 'line' | 'stacked';

/** One chart of the dashboard. */
export interface Panel {
  readonly title: string;
  readonly kind: PanelKind;
  /** A UCUM unit for the y axis (`s`, `By`), when not a plain count. */
  readonly unit?: string;
  readonly queries: readonly { readonly label: string; readonly expr: string }[];
  /** Horizontal lines: an objective or a limit. */
  readonly thresholds?: readonly { readonly label: string; readonly value: number }[];
}

/** A container memory limit to draw on the memory chart. */
export interface MemoryLimit {
  readonly label: string;
  readonly bytes: number;
}

function quantile(scope: Scope, q: number): string {
  return `histogram_quantile(${q}, sum by (namespace, le) (rate(${selector(scope, `${METRIC.deliveryLatency}_bucket`)}[5m])))`;
}

/** The dashboard's charts, in reading order (dashboard.ts lays them out), over the series of `scope`. */
export function dashboardPanels(t: AlertThresholds, memoryLimits: readonly MemoryLimit[], scope: Scope = {}): Panel[] {
  const m = (metric: string, ...matchers: string[]): string => selector(scope, metric, ...matchers);
  return [
    {
      title: 'Open WebSockets',
      kind: 'scorecard',
      queries: [{ label: 'open', expr: `sum by (namespace) (${m(METRIC.wsConnectionsOpen)})` }],
    },
    {
      title: 'Messages per second',
      kind: 'scorecard',
      queries: [{ label: 'frames/s', expr: `sum by (namespace) (rate(${m(METRIC.wsFramesSent)}[5m]))` }],
    },
    { title: 'Delivery p99', kind: 'scorecard', unit: 's', queries: [{ label: 'p99', expr: quantile(scope, 0.99) }] },
    {
      title: 'Jobs waiting',
      kind: 'scorecard',
      queries: [{ label: 'waiting', expr: `max by (namespace) (${m(METRIC.queueWaiting)})` }],
    },
    {
      title: 'WebSocket connections',
      kind: 'line',
      queries: [{ label: 'open', expr: `sum by (namespace) (${m(METRIC.wsConnectionsOpen)})` }],
    },
    {
      title: 'Delivery latency p50 / p99',
      kind: 'line',
      unit: 's',
      queries: [
        { label: 'p50', expr: quantile(scope, 0.5) },
        { label: 'p99', expr: quantile(scope, 0.99) },
      ],
      thresholds: [{ label: 'p99 objective', value: t.deliveryP99ObjectiveSeconds }],
    },
    {
      title: 'Messages per second',
      kind: 'line',
      queries: [{ label: 'frames/s', expr: `sum by (namespace) (rate(${m(METRIC.wsFramesSent)}[5m]))` }],
    },
    {
      title: 'Job outcomes per minute',
      kind: 'stacked',
      queries: [
        { label: 'succeeded', expr: `sum by (namespace) (rate(${m(METRIC.jobsSucceeded)}[5m])) * 60` },
        { label: 'failed, by reason', expr: `sum by (namespace, reason) (rate(${m(METRIC.jobsFailed)}[5m])) * 60` },
      ],
    },
    {
      title: 'Rows per second',
      kind: 'line',
      queries: [{ label: 'rows/s', expr: `sum by (namespace) (rate(${m(METRIC.rowsProcessed)}[5m]))` }],
    },
    {
      title: 'Queue',
      kind: 'line',
      queries: [
        { label: 'waiting', expr: `max by (namespace) (${m(METRIC.queueWaiting)})` },
        { label: 'running', expr: `max by (namespace) (${m(METRIC.queueRunning)})` },
        { label: 'oldest wait (min)', expr: `max by (namespace) (${m(METRIC.queueOldestWaitingAge)}) / 60` },
      ],
      thresholds: [{ label: 'wait alert (min)', value: t.queueWaitMinutes }],
    },
    {
      title: 'HTTP requests per second by route',
      kind: 'stacked',
      queries: [
        {
          label: 'by route',
          expr: `sum by (namespace, route) (rate(${m(METRIC.httpRequests, 'route!="/metrics"')}[5m]))`,
        },
      ],
    },
    {
      title: 'WebSocket closes per minute by code',
      kind: 'stacked',
      queries: [
        { label: 'by code', expr: `sum by (namespace, code) (rate(${m(METRIC.wsConnectionsClosed)}[5m])) * 60` },
      ],
    },
    {
      title: 'Memory against limits',
      kind: 'line',
      unit: 'By',
      queries: [{ label: 'RSS, largest pod', expr: `max by (namespace, job) (${m(METRIC.residentMemory)})` }],
      thresholds: memoryLimits.map((limit) => ({ label: limit.label, value: limit.bytes })),
    },
    {
      title: 'Web pods ready',
      kind: 'line',
      queries: [{ label: 'ready', expr: `sum by (namespace) (${m(METRIC.webReady)})` }],
    },
  ];
}

/**
 * The series names an expression selects, from the metric catalogue (app/domain/metric-names.ts):
 * what must exist for the expression to mean anything. `up` and the like are not used.
 */
export function seriesIn(expr: string): string[] {
  const found = new Set<string>();
  for (const name of Object.values(METRIC) as MetricName[]) {
    for (const series of [name, `${name}_bucket`, `${name}_sum`, `${name}_count`]) {
      if (new RegExp(`(?<![\\w:])${series}(?![\\w:])`).test(expr)) found.add(series);
    }
  }
  return [...found].sort();
}

function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10} %`;
}

function ms(seconds: number): string {
  return `${Math.round(seconds * 1e6) / 1e3} ms`;
}
