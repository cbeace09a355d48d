/**
 * Re-renders a saved JSON report without running anything: `npx tsx bench/render.ts REPORT.json
 * [--svg FILE]` prints the run table, the medians as Markdown and the targets, and redraws the chart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchReport } from './report/run-result.js';
import { summarizeRuns } from './report/summary.js';
import { renderSvg } from './report/svg.js';
import { markdownTable, runTable } from './report/table.js';
import { evaluateTargets, formatTargets } from './report/targets.js';

const [file, flag, svgFile] = process.argv.slice(2);
if (!file || (flag !== undefined && (flag !== '--svg' || !svgFile))) {
  process.stderr.write('usage: npx tsx bench/render.ts REPORT.json [--svg FILE]\n');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
process.stdout.write(`${report.machine}\n${report.date} · ${report.conditions}\n\n${runTable(report.runs)}\n\n`);
process.stdout.write(
  `${markdownTable(summarizeRuns(report.runs), report.runs)}\n\n${formatTargets(evaluateTargets(report.runs))}\n`,
);
if (svgFile) writeFileSync(svgFile, renderSvg(report));
