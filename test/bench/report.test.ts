import { describe, expect, it } from 'vitest';
import type { BenchReport, RunResult } from '../../bench/report/run-result.js';
import { renderSvg } from '../../bench/report/svg.js';
import { summarizeRuns } from '../../bench/report/summary.js';
import { formatTable, markdownTable, runTable } from '../../bench/report/table.js';
import { evaluateTargets, formatTargets } from '../../bench/report/targets.js';
import type { SystemName } from '../../bench/options.js';

function run(system: SystemName, figures: Partial<RunResult> = {}): RunResult {
  return {
    system,
    connections: 10_000,
    jobs: 1000,
    rate: 1000,
    delivered: 210_000,
    expected: 210_000,
    p50_ms: 0.4,
    p95_ms: 1,
    p99_ms: 5,
    max_ms: 20,
    heap_per_conn_bytes: 3000,
    rss_per_conn_bytes: 6000,
    cpu_percent: 15,
    redis_clients: 1,
    http_requests: 0,
    size: 10_000,
    repeat: 1,
    duration_s: 20,
    connect_p50_ms: 2,
    connect_p99_ms: 9,
    connect_all_s: 8,
    exact_frames: 210_000,
    out_of_order: 0,
    failed: 0,
    failures: {},
    http_requests_total: 10_000,
    terminal_p50_ms: 1,
    terminal_p99_ms: 50,
    terminal_max_ms: 90,
    max_ms_by_second: [1, 20],
    min_ms: 0.05,
    clock_offset_ms: 0.01,
    client_processes: 2,
    load_1m: 1,
    client_cpu_percent: 30,
    publish_errors: 0,
    notes: [],
    web_processes: null,
    proxy_cpu_percent: null,
    ...figures,
  };
}

const runs = [
  run('ws-relay'),
  run('this', {
    p50_ms: 0.44,
    p99_ms: 6,
    heap_per_conn_bytes: 4000,
    rss_per_conn_bytes: 9000,
    cpu_percent: 18,
    redis_clients: 3,
  }),
  run('this', {
    repeat: 2,
    p50_ms: 0.46,
    p99_ms: 9,
    heap_per_conn_bytes: 4000,
    rss_per_conn_bytes: 9000,
    cpu_percent: 18,
    redis_clients: 3,
  }),
  run('socketio', { p99_ms: 50, redis_clients: 2 }),
  run('polling', {
    p50_ms: 1000,
    p99_ms: 1990,
    http_requests: 300_000,
    heap_per_conn_bytes: null,
    rss_per_conn_bytes: null,
  }),
  run('floor', {
    connections: 1,
    p50_ms: 0.07,
    heap_per_conn_bytes: null,
    rss_per_conn_bytes: null,
    cpu_percent: null,
    redis_clients: null,
  }),
];

describe('report', () => {
  it('aligns table columns and marks missing figures', () => {
    const table = formatTable(
      ['name', 'n'],
      [
        ['a', 1],
        ['long name', null],
      ],
    );
    expect(table.split('\n')).toEqual(['name       n', '---------  -', 'a          1', 'long name  –']);
  });

  it('prints one row per run with delivered/expected', () => {
    const table = runTable(runs);
    expect(table).toContain('this #2');
    expect(table).toContain('210000/210000');
    expect(table).toContain('1 sub');
  });

  it('writes the medians as a Markdown table with the ranges of the repeats', () => {
    const table = markdownTable(summarizeRuns(runs), runs).split('\n');
    expect(table[0]).toMatch(/^\| system \| C \| delivered \/ expected \|/);
    expect(table.find((line) => line.startsWith('| `this`'))).toContain(
      '| 10,000 | 420,000 / 420,000 | 0.44–0.46 | 6.00–9.00 |',
    );
    expect(table.find((line) => line.startsWith('| `floor`'))).toContain('| 1 sub |');
  });

  it('folds repeats into medians and the p99 range', () => {
    const self = summarizeRuns(runs).find((s) => s.system === 'this');
    expect(self).toMatchObject({
      repeats: 2,
      p50_ms: 0.45,
      p99_ms: 7.5,
      p99_range: { min: 6, max: 9 },
      delivered: 420_000,
    });
  });

  it('checks the targets against ws-relay, socketio and polling', () => {
    const checks = evaluateTargets(runs);
    const byName = Object.fromEntries(checks.map((c) => [c.name, c.ok]));
    expect(byName['p50 vs ws-relay']).toBe(true);
    expect(byName['p99 vs ws-relay (median of repeats)']).toBe(true);
    expect(byName['p99 vs socketio']).toBe(true);
    expect(byName['heap per connection vs ws-relay']).toBe(true);
    expect(byName['RSS per connection vs ws-relay']).toBe(false);
    expect(byName['Redis connections of this (any C)']).toBe(true);
    expect(byName['HTTP requests per minute vs polling']).toBe(true);
    expect(byName['p50 vs polling']).toBe(true);
    expect(byName['19,000 connections on one process']).toBeUndefined();
    expect(formatTargets(checks)).toMatch(/^MISS {2}RSS per connection vs ws-relay: 1\.50×/m);
  });

  it('shows runs behind the proxy as this×N, apart from the direct runs and out of the targets', () => {
    const proxied = [
      ...runs,
      run('this', { web_processes: 3, proxy_cpu_percent: 12, p99_ms: 500, cpu_percent: 40, redis_clients: 9 }),
    ];
    expect(runTable(proxied)).toMatch(/^this×3 .* 40 \+12 .* 9 /m);
    const summaries = summarizeRuns(proxied);
    expect(summaries.filter((s) => s.system === 'this').map((s) => [s.web_processes, s.repeats])).toEqual([
      [null, 2],
      [3, 1],
    ]);
    expect(markdownTable(summaries, proxied)).toContain('| `this×3` | 10,000 | 210,000 / 210,000 | 0.40 | 500 |');
    // A slow proxied run does not change what the one-process targets say.
    expect(evaluateTargets(proxied)).toEqual(evaluateTargets(runs));
  });

  it('counts loss of this as a missed target', () => {
    const lossy = runs.map((r) => (r.system === 'this' ? { ...r, delivered: r.expected - 1 } : r));
    expect(evaluateTargets(lossy).find((c) => c.name.startsWith('zero loss'))?.ok).toBe(false);
  });

  it('draws an SVG with every system and no NaN', () => {
    const report: BenchReport = {
      machine: 'test <machine>',
      date: '2026-01-01T00:00:00.000Z',
      profile: 'full',
      command: 'npm run bench',
      conditions: '',
      runs,
    };
    const svg = renderSvg(report);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const system of ['floor', 'ws-relay', 'this', 'socketio', 'polling'])
      expect(svg).toContain(`>${system}</text>`);
    expect(svg).toContain('test &lt;machine&gt;');
    expect(svg).not.toContain('NaN');
    expect(svg).not.toContain('Infinity');
  });
});
