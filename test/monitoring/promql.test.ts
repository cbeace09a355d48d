/**
 * The PromQL module: every expression of the alerts and the dashboard names only metrics the
 * processes export (the catalogue in app/domain/metric-names.ts), aggregates by namespace, and parses
 * in the real Prometheus (promtool checks the dashboard's queries as recording rules).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { METRIC } from '../../app/domain/metric-names.js';
import { appMemoryLimits } from '../../infra/monitoring/dashboard.js';
import { alertRules, dashboardPanels, seriesIn } from '../../infra/monitoring/promql.js';
import { defaultAlertThresholds } from '../../infra/monitoring/thresholds.js';
import { systemTool } from './support/system-tool.js';

const alerts = alertRules(defaultAlertThresholds);
const panels = dashboardPanels(defaultAlertThresholds, appMemoryLimits());
const expressions = [...alerts.map((a) => a.expr), ...panels.flatMap((p) => p.queries.map((q) => q.expr))];

// What may appear in an expression besides metric names: PromQL's functions, aggregations and
// keywords this module uses, and the label names the metrics carry.
const PROMQL_WORDS = new Set(['sum', 'max', 'min', 'by', 'and', 'rate', 'increase', 'histogram_quantile']);
const LABELS = new Set(['namespace', 'le', 'code', 'reason', 'route', 'job']);

describe('the PromQL module', () => {
  it('names only catalogued metrics, and nothing else that could be a metric', () => {
    const series = new Set([...Object.values(METRIC), ...Object.values(METRIC).map((m) => `${m}_bucket`)]);
    for (const expr of expressions) {
      const words =
        expr
          .replace(/"[^"]*"/g, '')
          .replace(/\[[^\]]*\]/g, '')
          .match(/[a-zA-Z_:][\w:]*/g) ?? [];
      const strange = words.filter((w) => !PROMQL_WORDS.has(w) && !LABELS.has(w) && !series.has(w));
      expect(strange, expr).toEqual([]);
      expect(seriesIn(expr).length, expr).toBeGreaterThan(0);
    }
  });

  it('finds the series an expression selects, histogram parts included', () => {
    expect(seriesIn(alerts.find((a) => a.name === 'DeliveryLatencyP99High')!.expr)).toEqual([
      'progress_delivery_latency_seconds_bucket',
    ]);
    expect(seriesIn(alerts.find((a) => a.name === 'JobFailureRatioHigh')!.expr)).toEqual([
      'worker_jobs_failed_total',
      'worker_jobs_succeeded_total',
    ]);
    // A longer name that merely starts with a catalogued one is not that metric.
    expect(seriesIn('ws_connections_open_extra + web_ready_not')).toEqual([]);
  });

  it('keeps one series per deployment: every aggregation is by namespace', () => {
    for (const expr of expressions) {
      for (const [, labels] of expr.matchAll(/\b(?:sum|max|min) by \(([^)]*)\)/g))
        expect(labels!.split(', '), expr).toContain('namespace');
    }
  });

  it('draws what the issue asks for: connections, latency p50/p99, messages, job outcomes, rows, HTTP by route, memory against limits', () => {
    const titles = panels.map((p) => p.title);
    for (const title of [
      'WebSocket connections',
      'Delivery latency p50 / p99',
      'Messages per second',
      'Job outcomes per minute',
      'Rows per second',
      'HTTP requests per second by route',
      'Memory against limits',
    ])
      expect(titles).toContain(title);
    const memory = panels.find((p) => p.title === 'Memory against limits')!;
    expect(memory.thresholds).toEqual([{ label: 'limit web, rq-worker (256Mi)', value: 256 * 1024 * 1024 }]);
    expect(panels.find((p) => p.title === 'Delivery latency p50 / p99')!.thresholds).toEqual([
      { label: 'p99 objective', value: 0.1 },
    ]);
  });

  it('selects one namespace in every selector when scoped (Cloud Monitoring holds every namespace of the project)', () => {
    const scoped = [
      ...alertRules(defaultAlertThresholds, { namespace: 'staging' }).map((a) => a.expr),
      ...dashboardPanels(defaultAlertThresholds, [], { namespace: 'staging' }).flatMap((p) =>
        p.queries.map((q) => q.expr),
      ),
    ];
    expect(scoped).toHaveLength(expressions.length);
    scoped.forEach((expr, i) => {
      const selectors = seriesIn(expressions[i]!).length;
      expect(expr.match(/namespace="staging"/g)?.length ?? 0, expr).toBeGreaterThanOrEqual(selectors);
      // Remove the matcher again and the unscoped expression is back.
      expect(expr.replace(/\{namespace="staging",?/g, '{').replace(/\{\}/g, ''), expr).toBe(expressions[i]);
    });
  });

  it('puts the thresholds into the expressions', () => {
    const custom = alertRules({
      ...defaultAlertThresholds,
      queueWaitMinutes: 2,
      deliveryP99ObjectiveSeconds: 0.25,
      notReadyMinutes: 3,
    });
    expect(custom.find((a) => a.name === 'JobsWaitingTooLong')!.expr).toMatch(/> 120$/);
    expect(custom.find((a) => a.name === 'DeliveryLatencyP99High')!.expr).toMatch(/> 0.25$/);
    expect(custom.find((a) => a.name === 'WebNotReady')!.forSeconds).toBe(180);
  });

  const promtool = systemTool('promtool', 'apt-get install prometheus');
  it.skipIf(!promtool.path)(
    'writes dashboard queries that Prometheus parses (as recording rules, through promtool)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'pl-promql-'));
      try {
        const rules = panels.flatMap((p, i) =>
          p.queries.map((q, j) => ({ record: `dashboard:panel${i}:query${j}`, expr: q.expr })),
        );
        writeFileSync(
          join(dir, 'dashboard.yml'),
          stringify({ groups: [{ name: 'dashboard', rules }] }, { lineWidth: 0 }),
        );
        const result = spawnSync(promtool.path!, ['check', 'rules', 'dashboard.yml'], { cwd: dir, encoding: 'utf8' });
        expect(result.stdout, result.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
