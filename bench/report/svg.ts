/**
 * The chart: p99 latency by system and size (log scale, p50 marked), and idle memory per connection
 * by system at the largest size (heap and RSS). Plain SVG a browser opens as it is. Pure.
 */
import type { BenchReport } from './run-result.js';
import { summarizeRuns, type RunSummary } from './summary.js';

const WIDTH = 1000;
const HEIGHT = 460;
const PANEL = { top: 75, bottom: 380 };
const SIZE_COLORS = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#9d755d'];
const SYSTEM_ORDER = ['floor', 'ws-relay', 'this', 'socketio', 'ws-naive', 'polling'];

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const label = (ms: number): string => (ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : ms.toFixed(0));

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escape(content)}</text>`;
}

function systemsOf(summaries: readonly RunSummary[]): string[] {
  const present = new Set(summaries.map((s) => s.system as string));
  return [...SYSTEM_ORDER.filter((s) => present.has(s)), ...[...present].filter((s) => !SYSTEM_ORDER.includes(s))];
}

function latencyPanel(summaries: readonly RunSummary[], sizes: readonly number[], x0: number, width: number): string[] {
  const systems = systemsOf(summaries);
  const values = summaries
    .flatMap((s) => [s.p99_ms, s.p50_ms, s.p99_range?.max])
    .filter((v): v is number => v !== undefined && v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(0.01, ...values))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(10, ...values))));
  const y = (v: number): number =>
    PANEL.bottom -
    ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (PANEL.bottom - PANEL.top);
  const out: string[] = [
    text(x0, 58, 'p99 latency, ms (log scale; tick = p50, whisker = p99 range)', 'font-weight="bold"'),
  ];
  for (let e = Math.log10(lo); e <= Math.log10(hi); e++) {
    const v = Math.pow(10, e);
    out.push(
      `<line x1="${x0 + 40}" x2="${x0 + width}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
    );
    out.push(text(x0 + 35, y(v) + 4, label(v), 'text-anchor="end" font-size="11"'));
  }
  const group = (width - 50) / Math.max(1, systems.length);
  const bar = Math.min(28, (group - 10) / Math.max(1, sizes.length));
  systems.forEach((system, i) => {
    const gx = x0 + 45 + i * group;
    sizes.forEach((size, k) => {
      const s = summaries.find((r) => r.system === system && r.size === size);
      if (!s || s.p99_ms === undefined) return;
      const bx = gx + 5 + k * bar;
      const top = y(s.p99_ms);
      out.push(
        `<rect x="${bx.toFixed(1)}" y="${top.toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${(PANEL.bottom - top).toFixed(1)}" fill="${SIZE_COLORS[k % SIZE_COLORS.length]}"><title>${escape(`${system} C=${size}: p99 ${label(s.p99_ms)} ms, p50 ${s.p50_ms === undefined ? '–' : label(s.p50_ms)} ms`)}</title></rect>`,
      );
      if (s.p50_ms !== undefined)
        out.push(
          `<line x1="${bx.toFixed(1)}" x2="${(bx + bar - 2).toFixed(1)}" y1="${y(s.p50_ms).toFixed(1)}" y2="${y(s.p50_ms).toFixed(1)}" stroke="#000" stroke-width="2"/>`,
        );
      if (s.p99_range && s.p99_range.max > s.p99_range.min) {
        // The spread of the repeats: p99 is the noisy figure on a shared machine.
        const cx = (bx + (bar - 2) / 2).toFixed(1);
        out.push(
          `<line x1="${cx}" x2="${cx}" y1="${y(s.p99_range.min).toFixed(1)}" y2="${y(s.p99_range.max).toFixed(1)}" stroke="#555" stroke-width="1.5"/>`,
        );
      }
      const labelY = Math.min(top, s.p99_range ? y(s.p99_range.max) : top) - 4;
      out.push(text(bx + (bar - 2) / 2, labelY, label(s.p99_ms), 'text-anchor="middle" font-size="10"'));
    });
    out.push(text(gx + group / 2, PANEL.bottom + 18, system, 'text-anchor="middle" font-size="12"'));
  });
  return out;
}

function memoryPanel(summaries: readonly RunSummary[], size: number, x0: number, width: number): string[] {
  const rows = systemsOf(summaries)
    .map((system) => summaries.find((s) => s.system === system && s.size === size))
    .filter((s): s is RunSummary => s !== undefined && s.heap_per_conn_bytes !== undefined);
  const out: string[] = [
    text(x0, 58, `memory per idle connection, KB (C = ${size.toLocaleString('en-US')})`, 'font-weight="bold"'),
  ];
  const maxKb = Math.max(
    1,
    ...rows.flatMap((s) => [(s.heap_per_conn_bytes ?? 0) / 1024, (s.rss_per_conn_bytes ?? 0) / 1024]),
  );
  const step = maxKb > 20 ? 10 : maxKb > 8 ? 4 : 2;
  const top = Math.ceil((maxKb * 1.08) / step) * step;
  const y = (kb: number): number => PANEL.bottom - (Math.max(0, kb) / top) * (PANEL.bottom - PANEL.top);
  for (let v = 0; v <= top; v += step) {
    out.push(
      `<line x1="${x0 + 40}" x2="${x0 + width}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
    );
    out.push(text(x0 + 35, y(v) + 4, String(v), 'text-anchor="end" font-size="11"'));
  }
  const group = (width - 50) / Math.max(1, rows.length);
  const bar = Math.min(40, (group - 16) / 2);
  rows.forEach((s, i) => {
    const gx = x0 + 45 + i * group + (group - 2 * bar) / 2;
    const bars: Array<[string, number | undefined, string]> = [
      ['heap', s.heap_per_conn_bytes, '#4c78a8'],
      ['RSS', s.rss_per_conn_bytes, '#9ecae9'],
    ];
    bars.forEach(([name, bytes, color], k) => {
      if (bytes === undefined) return;
      const kb = bytes / 1024;
      const bx = gx + k * bar;
      out.push(
        `<rect x="${bx.toFixed(1)}" y="${y(kb).toFixed(1)}" width="${(bar - 3).toFixed(1)}" height="${(PANEL.bottom - y(kb)).toFixed(1)}" fill="${color}"><title>${escape(`${s.system}: ${name} ${kb.toFixed(1)} KB per connection`)}</title></rect>`,
      );
      out.push(text(bx + (bar - 3) / 2, y(kb) - 4, kb.toFixed(1), 'text-anchor="middle" font-size="10"'));
    });
    out.push(text(gx + bar, PANEL.bottom + 18, s.system, 'text-anchor="middle" font-size="12"'));
  });
  out.push(
    `<rect x="${x0 + 45}" y="${HEIGHT - 32}" width="12" height="12" fill="#4c78a8"/>`,
    text(x0 + 62, HEIGHT - 22, 'V8 heap after GC', 'font-size="12"'),
  );
  out.push(
    `<rect x="${x0 + 180}" y="${HEIGHT - 32}" width="12" height="12" fill="#9ecae9"/>`,
    text(x0 + 197, HEIGHT - 22, 'RSS', 'font-size="12"'),
  );
  return out;
}

/** The chart of a report, as SVG text. */
export function renderSvg(report: BenchReport): string {
  // One process per system, as the targets compare them; the --web-processes runs are in the table.
  const summaries = summarizeRuns(report.runs.filter((r) => r.web_processes === null));
  const sizes = [...new Set(report.runs.map((r) => r.size))].sort((a, b) => a - b);
  const largest = Math.max(0, ...summaries.filter((s) => s.heap_per_conn_bytes !== undefined).map((s) => s.size));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    text(
      20,
      20,
      `Progress delivery at ${report.runs[0]?.rate ?? '?'} msg/s over C/10 jobs, ${report.date.slice(0, 10)}`,
      'font-size="14"',
    ),
    text(20, 35, report.machine, 'font-size="11" fill="#555"'),
    ...latencyPanel(summaries, sizes, 10, 560),
    ...memoryPanel(summaries, largest, 600, 390),
  ];
  sizes.forEach((size, k) => {
    const x = 60 + k * 110;
    parts.push(
      `<rect x="${x}" y="${HEIGHT - 32}" width="12" height="12" fill="${SIZE_COLORS[k % SIZE_COLORS.length]}"/>`,
    );
    parts.push(text(x + 17, HEIGHT - 22, `C = ${size.toLocaleString('en-US')}`, 'font-size="12"'));
  });
  const repeats = Math.max(1, ...summaries.map((s) => s.repeats));
  parts.push(
    text(
      WIDTH - 20,
      HEIGHT - 6,
      `npm run bench (bench/); ${repeats > 1 ? `medians of ${repeats} repeats` : 'one run each'}`,
      'font-size="10" fill="#555" text-anchor="end"',
    ),
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
