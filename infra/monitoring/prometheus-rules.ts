/**
 * The alerts of promql.ts as a Prometheus rules file
 * (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/): what `promtool check
 * rules` and `promtool test rules` take, what a self-run Prometheus loads, and the same expressions
 * the Cloud Monitoring alert policies evaluate. Pure.
 */
import { stringify } from 'yaml';
import { ALERT_GROUP, alertRules, type AlertRule } from './promql.js';
import type { AlertThresholds } from './thresholds.js';

/** Options of {@link renderPrometheusRules}. */
export interface RulesRenderOptions {
  /**
   * Every alert's `for`, in seconds, instead of its own: only for tests that watch alerts turn
   * pending and firing in seconds. Production keeps each alert's duration.
   * @default undefined (each alert's own)
   */
  readonly forSecondsOverride?: number;
  /**
   * How often the group is evaluated, in seconds; Cloud Monitoring evaluates every 30 s.
   * @default 30
   */
  readonly evaluationIntervalSeconds?: number;
}

/** The labels and annotations an alert carries, in the rules file and in Cloud Monitoring alike. */
export function alertLabels(rule: AlertRule): Record<string, string> {
  return { severity: rule.severity };
}

export function alertAnnotations(rule: AlertRule): Record<string, string> {
  return {
    summary: rule.summary,
    description: rule.description,
    runbook: `docs/runbook.md#${rule.name.toLowerCase()}`,
  };
}

/** The rules file for `thresholds`, as YAML. */
export function renderPrometheusRules(thresholds: AlertThresholds, options: RulesRenderOptions = {}): string {
  const rules = alertRules(thresholds).map((rule) => ({
    alert: rule.name,
    expr: rule.expr,
    for: `${options.forSecondsOverride ?? rule.forSeconds}s`,
    labels: alertLabels(rule),
    annotations: alertAnnotations(rule),
  }));
  return stringify(
    { groups: [{ name: ALERT_GROUP, interval: `${options.evaluationIntervalSeconds ?? 30}s`, rules }] },
    { lineWidth: 0 },
  );
}
