/** Renders class results as the plain-text table `npm run chaos` prints. Pure. */
import { isLoss, type ClassResult } from './class-result.js';

const HEADERS = [
  'fault or input class',
  'cases',
  'passed',
  'jobs lost',
  'clients missing terminal',
  'recovery',
] as const;

export function formatRecovery(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function row(result: ClassResult): string[] {
  return [
    `${isLoss(result) ? 'FAIL' : 'ok  '} ${result.name}`,
    String(result.cases),
    String(result.passed),
    String(result.jobsLost),
    String(result.clientsMissingTerminal),
    formatRecovery(result.recoveryMs),
  ];
}

/** A table with one row per class and a total row; numbers right-aligned. */
export function formatTable(results: readonly ClassResult[]): string {
  const total: ClassResult = {
    name: 'total',
    cases: sum(results, (r) => r.cases),
    passed: sum(results, (r) => r.passed),
    jobsLost: sum(results, (r) => r.jobsLost),
    clientsMissingTerminal: sum(results, (r) => r.clientsMissingTerminal),
    recoveryMs: results.reduce<number | undefined>(
      (max, r) => (r.recoveryMs === undefined ? max : Math.max(max ?? 0, r.recoveryMs)),
      undefined,
    ),
    failures: [],
    notes: [],
  };
  const rows = [[...HEADERS], ...results.map(row), row(total)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ');
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(rows[0]!), rule, ...rows.slice(1, -1).map(line), rule, line(rows[rows.length - 1]!)].join('\n');
}

/** Failures and notes under the table, one class at a time. */
export function formatDetails(results: readonly ClassResult[]): string {
  const parts: string[] = [];
  for (const result of results) {
    if (result.failures.length === 0 && result.notes.length === 0) continue;
    parts.push(`${result.name}:`);
    for (const note of result.notes) parts.push(`  - ${note}`);
    for (const failure of result.failures) parts.push(`  ! ${failure}`);
  }
  return parts.join('\n');
}

function sum(results: readonly ClassResult[], pick: (r: ClassResult) => number): number {
  return results.reduce((total, r) => total + pick(r), 0);
}
