/**
 * The alerts as a Prometheus rules file, checked by the real `promtool` (Debian's prometheus
 * package): `promtool check rules` accepts it, and `promtool test rules` shows each alert firing on a
 * bad series and staying quiet on healthy ones, with the production thresholds and durations.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { alertRules } from '../../infra/monitoring/promql.js';
import { alertAnnotations, alertLabels, renderPrometheusRules } from '../../infra/monitoring/prometheus-rules.js';
import { defaultAlertThresholds } from '../../infra/monitoring/thresholds.js';
import { alertCases } from './alert-cases.js';
import { systemTool } from './support/system-tool.js';

const promtool = systemTool('promtool', 'apt-get install prometheus');
const dir = mkdtempSync(join(tmpdir(), 'pl-promtool-'));
const rules = alertRules(defaultAlertThresholds);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { code: number | null; output: string } {
  const result = spawnSync(promtool.path!, args, { cwd: dir, encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** One promtool test: the series, and what must be firing at the evaluation time. */
function unitTest(series: Record<string, string>, name: string, evalMinutes: number, fires: boolean): object {
  const rule = rules.find((r) => r.name === name)!;
  const labels = { ...alertLabels(rule), ...alertCases[name]!.labels };
  return {
    interval: '1m',
    input_series: Object.entries(series).map(([selector, values]) => ({ series: selector, values })),
    alert_rule_test: [
      {
        eval_time: `${evalMinutes}m`,
        alertname: name,
        exp_alerts: fires ? [{ exp_labels: labels, exp_annotations: alertAnnotations(rule) }] : [],
      },
    ],
  };
}

describe.skipIf(!promtool.path)('the rules file, with promtool', () => {
  writeFileSync(join(dir, 'rules.yml'), renderPrometheusRules(defaultAlertThresholds));

  it('passes promtool check rules', () => {
    const result = run(['check', 'rules', 'rules.yml']);
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.code).toBe(0);
  });

  it('has a firing and a quiet case for every alert', () => {
    expect(Object.keys(alertCases).sort()).toEqual(rules.map((r) => r.name).sort());
  });

  it('passes promtool test rules: each alert fires on its bad series and stays quiet on healthy ones', () => {
    const tests = Object.entries(alertCases).flatMap(([name, c]) => [
      unitTest(c.bad, name, c.evalMinutes, true),
      ...c.healthy.map((series) => unitTest(series, name, c.evalMinutes, false)),
    ]);
    writeFileSync(
      join(dir, 'tests.yml'),
      stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests }, { lineWidth: 0 }),
    );
    const result = run(['test', 'rules', 'tests.yml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.code, result.output).toBe(0);
  });

  it('fails promtool test rules when a case expects the wrong thing (the check can fail)', () => {
    const [name, c] = Object.entries(alertCases)[0]!;
    writeFileSync(
      join(dir, 'wrong.yml'),
      stringify({
        rule_files: ['rules.yml'],
        evaluation_interval: '1m',
        tests: [unitTest(c.healthy[0]!, name, c.evalMinutes, true)],
      }),
    );
    const result = run(['test', 'rules', 'wrong.yml']);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(name);
  });

  it('fails promtool check rules on an expression Prometheus cannot parse', () => {
    writeFileSync(
      join(dir, 'broken.yml'),
      renderPrometheusRules(defaultAlertThresholds).replace('histogram_quantile(0.99,', 'histogram_quantile(0.99'),
    );
    expect(run(['check', 'rules', 'broken.yml']).code).not.toBe(0);
  });
});
