/**
 * The numbers the alerts compare against: objectives and thresholds, each a stack config key of the
 * Pulumi program (infra/pulumi/config.ts reads them; docs/pulumi.md#stack-settings lists them). The
 * defaults suit one small deployment; raise a threshold rather than silence an alert.
 */

/** Every threshold of {@link alertRules} (infra/monitoring/promql.ts). */
export interface AlertThresholds {
  /**
   * `alertJobFailureRatio`: fire when more than this share of the jobs that ended in the last 15
   * minutes failed.
   * @default 0.2
   */
  readonly jobFailureRatio: number;
  /**
   * `alertJobFailureMinJobs`: …and at least this many jobs ended in those 15 minutes, so one failed
   * job out of two does not page anyone.
   * @default 5
   */
  readonly jobFailureMinJobs: number;
  /**
   * `alertWsErrorClosesPerMinute`: WebSocket closes that mean trouble (1006 abnormal, 1011 internal
   * error, 1013 try again later) per minute, averaged over 5 minutes.
   * @default 5
   */
  readonly wsErrorClosesPerMinute: number;
  /**
   * `deliveryP99ObjectiveSeconds`: the objective for the 99th percentile of delivery latency (a
   * Progress message's `at` to its fan-out). The service promises updates in under 100 ms.
   * @default 0.1
   */
  readonly deliveryP99ObjectiveSeconds: number;
  /**
   * `alertQueueWaitMinutes`: fire when the oldest waiting job has waited longer than this (no worker
   * takes jobs, or too few workers for the load).
   * @default 5
   */
  readonly queueWaitMinutes: number;
  /**
   * `alertCapacityRejections`: uploads refused with `503 CAPACITY_EXCEEDED` in 10 minutes.
   * @default 10
   */
  readonly capacityRejectionsPer10Minutes: number;
  /**
   * `alertNotReadyMinutes`: how long a web pod may stay not ready (Redis unreachable) before anyone
   * is told; shorter blips are a Redis restart the service rides out by itself.
   * @default 5
   */
  readonly notReadyMinutes: number;
}

export const defaultAlertThresholds: Readonly<AlertThresholds> = Object.freeze({
  jobFailureRatio: 0.2,
  jobFailureMinJobs: 5,
  wsErrorClosesPerMinute: 5,
  deliveryP99ObjectiveSeconds: 0.1,
  queueWaitMinutes: 5,
  capacityRejectionsPer10Minutes: 10,
  notReadyMinutes: 5,
});
