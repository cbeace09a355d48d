/**
 * `promtool test rules` cases: for each alert, series that must make it fire and series that must
 * leave it quiet, under the default thresholds and each alert's own `for`. Values use promtool's
 * expanding notation (`0+5x30`: start at 0, add 5 each interval, 30 times); the interval is 1 minute.
 */

export interface AlertCase {
  /** Series that make the alert fire by `evalMinutes`. */
  readonly bad: Record<string, string>;
  /** Series of a healthy service (or a harmless blip): no alert at `evalMinutes`. */
  readonly healthy: readonly Record<string, string>[];
  /** When to look: past the alert's window and its `for`. */
  readonly evalMinutes: number;
  /** The labels the firing alert carries besides alertname and severity. */
  readonly labels: Record<string, string>;
}

const ns = 'namespace="pl"';

export const alertCases: Record<string, AlertCase> = {
  JobFailureRatioHigh: {
    // Half of the jobs fail: 1 of 2 every minute, 30 ended in 15 minutes.
    bad: {
      [`worker_jobs_failed_total{${ns},reason="timeout"}`]: '0+1x40',
      [`worker_jobs_succeeded_total{${ns}}`]: '0+1x40',
    },
    healthy: [
      // Failures now and then: 1 in 20.
      {
        [`worker_jobs_failed_total{${ns},reason="timeout"}`]: '0+0.1x40',
        [`worker_jobs_succeeded_total{${ns}}`]: '0+2x40',
      },
      // Half failed, but too few jobs to mean anything: 2 in 15 minutes.
      {
        [`worker_jobs_failed_total{${ns},reason="error"}`]: '0+0.067x40',
        [`worker_jobs_succeeded_total{${ns}}`]: '0+0.067x40',
      },
    ],
    evalMinutes: 25,
    labels: { namespace: 'pl' },
  },
  WebSocketErrorClosesHigh: {
    // Redis is down: every reconnect is refused with 1013, 30 a minute.
    bad: {
      [`ws_connections_closed_total{${ns},code="1013"}`]: '0+30x40',
      [`ws_connections_closed_total{${ns},code="1000"}`]: '0+10x40',
    },
    healthy: [
      {
        [`ws_connections_closed_total{${ns},code="1000"}`]: '0+300x40',
        [`ws_connections_closed_total{${ns},code="1006"}`]: '0+1x40',
      },
    ],
    evalMinutes: 25,
    labels: { namespace: 'pl' },
  },
  DeliveryLatencyP99High: {
    // 100 deliveries a minute, every one between 100 and 250 ms.
    bad: histogram({ '0.01': 0, '0.1': 0, '0.25': 100, '+Inf': 100 }),
    healthy: [histogram({ '0.01': 95, '0.1': 100, '0.25': 100, '+Inf': 100 })],
    evalMinutes: 25,
    labels: { namespace: 'pl' },
  },
  JobsWaitingTooLong: {
    // No worker: the web still reports the queue, whose oldest job ages a minute a minute.
    bad: { [`queue_oldest_waiting_age_seconds{${ns},job="web"}`]: '0+60x20' },
    healthy: [
      {
        [`queue_oldest_waiting_age_seconds{${ns},job="web"}`]: '20x20',
        [`queue_oldest_waiting_age_seconds{${ns},job="rq-worker"}`]: '20x20',
      },
    ],
    evalMinutes: 10,
    labels: { namespace: 'pl' },
  },
  CapacityRefusals: {
    bad: { [`progress_capacity_rejections_total{${ns}}`]: '0+5x40' },
    healthy: [{ [`progress_capacity_rejections_total{${ns}}`]: '0+0.5x40' }],
    evalMinutes: 25,
    labels: { namespace: 'pl' },
  },
  WebNotReady: {
    // One of two pods cannot reach Redis for good.
    bad: { [`web_ready{${ns},pod="web-a"}`]: '1x20', [`web_ready{${ns},pod="web-b"}`]: '1 1 0x18' },
    healthy: [
      { [`web_ready{${ns},pod="web-a"}`]: '1x20', [`web_ready{${ns},pod="web-b"}`]: '1x20' },
      // A Redis restart: both pods out for 2 minutes, then back.
      { [`web_ready{${ns},pod="web-a"}`]: '1 1 0 0 1x16', [`web_ready{${ns},pod="web-b"}`]: '1 1 0 0 1x16' },
    ],
    evalMinutes: 10,
    labels: { namespace: 'pl' },
  },
};

/** A delivery-latency histogram growing by `perMinute` cumulative counts per bucket each minute. */
function histogram(perMinute: Record<string, number>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(perMinute).map(([le, count]) => [
      `progress_delivery_latency_seconds_bucket{${ns},le="${le}"}`,
      `0+${count}x40`,
    ]),
  );
}
