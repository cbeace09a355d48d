/** The printed tables: every run, and (with repeats) the medians. Pure text. */
import type { RunResult } from './run-result.js';
import type { RunSummary } from './summary.js';

type Cell = string | number | null | undefined;

/** Left-aligned first column, right-aligned numbers, columns separated by two spaces. */
export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [header, ...rows].map((row) =>
    row.map((cell) => (cell === null || cell === undefined ? '–' : String(cell))),
  );
  const widths = header.map((_, c) => Math.max(...text.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]): string =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  const [head, ...body] = text;
  return [line(head as string[]), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Milliseconds with a precision that fits their size. */
export function ms(value: number | null | undefined): string | undefined {
  if (value === null || value === undefined || !Number.isFinite(value)) return undefined;
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

/** Bytes as KB with one decimal. */
export function kb(value: number | null | undefined): string | undefined {
  if (value === null || value === undefined || !Number.isFinite(value)) return undefined;
  return `${(value / 1024).toFixed(1)} KB`;
}

/** The system's name, with `×N` when it ran as N processes behind haproxy. */
export function systemLabel(system: string, webProcesses: number | null): string {
  return webProcesses === null ? system : `${system}×${webProcesses}`;
}

/** `floor` has one Redis subscriber instead of C clients. */
function clientsCell(system: string, connections: number): string | number {
  return system === 'floor' ? '1 sub' : connections;
}

const RUN_HEADER = [
  'system',
  'C',
  'jobs',
  'rate',
  'connect p50',
  'delivered/expected',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'terminal p99',
  'heap/conn',
  'RSS/conn',
  'CPU %',
  'Redis conns',
  'HTTP req/min',
  'client CPU %',
  'load',
];

/** Every run; a `×N` run (N processes behind haproxy) adds the proxy's CPU after its own. */
export function runTable(runs: readonly RunResult[]): string {
  return formatTable(
    RUN_HEADER,
    runs.map((r) => [
      `${systemLabel(r.system, r.web_processes)}${r.repeat > 1 ? ` #${r.repeat}` : ''}`,
      clientsCell(r.system, r.connections),
      r.jobs,
      r.rate,
      ms(r.connect_p50_ms),
      `${r.delivered}/${r.expected}`,
      ms(r.p50_ms),
      ms(r.p95_ms),
      ms(r.p99_ms),
      ms(r.max_ms),
      ms(r.terminal_p99_ms),
      kb(r.heap_per_conn_bytes),
      kb(r.rss_per_conn_bytes),
      r.proxy_cpu_percent === null ? r.cpu_percent : `${r.cpu_percent} +${r.proxy_cpu_percent}`,
      r.redis_clients,
      r.http_requests,
      r.client_cpu_percent,
      r.load_1m,
    ]),
  );
}

export function summaryTable(summaries: readonly RunSummary[]): string {
  const header = [
    'system',
    'C',
    'runs',
    'delivered/expected',
    'p50 ms',
    'p99 ms (median)',
    'p99 range',
    'heap/conn',
    'RSS/conn',
    'CPU %',
    'Redis conns',
    'HTTP req/min',
  ];
  return formatTable(
    header,
    summaries.map((s) => [
      systemLabel(s.system, s.web_processes),
      clientsCell(s.system, s.connections),
      s.repeats,
      `${s.delivered}/${s.expected}`,
      ms(s.p50_ms),
      ms(s.p99_ms),
      s.p99_range ? `${ms(s.p99_range.min)}–${ms(s.p99_range.max)}` : undefined,
      kb(s.heap_per_conn_bytes),
      kb(s.rss_per_conn_bytes),
      s.cpu_percent?.toFixed(1),
      s.redis_clients === undefined ? undefined : Math.round(s.redis_clients),
      s.http_requests === undefined ? undefined : Math.round(s.http_requests),
    ]),
  );
}

/** The repeat medians as a Markdown table (p99 and CPU with their ranges), for docs/benchmark.md. */
export function markdownTable(summaries: readonly RunSummary[], runs: readonly RunResult[]): string {
  const spread = (
    s: RunSummary,
    pick: (r: RunResult) => number | null,
    format: (v: number) => string | undefined,
  ): string => {
    const values = runs
      .filter((r) => r.system === s.system && r.size === s.size && r.web_processes === s.web_processes)
      .map(pick)
      .filter((v): v is number => v !== null);
    if (values.length === 0) return '–';
    const lo = format(Math.min(...values)) ?? '–';
    const hi = format(Math.max(...values)) ?? '–';
    return lo === hi ? lo : `${lo}–${hi}`;
  };
  const header = [
    'system',
    'C',
    'delivered / expected',
    'p50 ms',
    'p99 ms',
    'max ms',
    'heap / conn',
    'RSS / conn',
    'server CPU %',
    'Redis conns',
    'HTTP req/min',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const s of summaries) {
    const cells = [
      `\`${systemLabel(s.system, s.web_processes)}\``,
      clientsCell(s.system, s.connections).toLocaleString('en-US'),
      `${s.delivered.toLocaleString('en-US')} / ${s.expected.toLocaleString('en-US')}`,
      spread(s, (r) => r.p50_ms, ms),
      spread(s, (r) => r.p99_ms, ms),
      spread(s, (r) => r.max_ms, ms),
      kb(s.heap_per_conn_bytes) ?? '–',
      kb(s.rss_per_conn_bytes) ?? '–',
      spread(
        s,
        (r) => r.cpu_percent,
        (v) => v.toFixed(0),
      ),
      s.redis_clients === undefined ? '–' : String(Math.round(s.redis_clients)),
      s.http_requests === undefined ? '–' : Math.round(s.http_requests).toLocaleString('en-US'),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
