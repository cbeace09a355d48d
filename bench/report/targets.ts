/**
 * The targets, checked against one report: ratios of `this` to the alternatives at the
 * largest size where both ran (medians over repeats). Pure: the benchmark prints them; tests never
 * assert them (timings on a shared machine are not a test).
 */
import type { RunResult } from './run-result.js';
import { summarizeRuns, type RunSummary } from './summary.js';

export interface TargetCheck {
  readonly name: string;
  /** What was measured, e.g. `1.08× ws-relay`. */
  readonly measured: string;
  /** The target, e.g. `≤ 1.25×`. */
  readonly target: string;
  /** `undefined` when the figures needed were not measured in this report. */
  readonly ok: boolean | undefined;
}

const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;
const times = (r: number | undefined): string => (r === undefined ? 'not measured' : `${r.toFixed(2)}×`);

export function evaluateTargets(runs: readonly RunResult[]): TargetCheck[] {
  // The targets compare one process with the alternatives; runs behind the proxy are another question.
  const summaries = summarizeRuns(runs.filter((r) => r.web_processes === null));
  const at = (system: string, size: number): RunSummary | undefined =>
    summaries.find((s) => s.system === system && s.size === size);
  const sizesWithBoth = summaries.filter((s) => s.system === 'this' && at('ws-relay', s.size)).map((s) => s.size);
  const size =
    sizesWithBoth.length > 0
      ? Math.max(...sizesWithBoth)
      : Math.max(0, ...summaries.filter((s) => s.system === 'this').map((s) => s.size));
  const self = at('this', size);
  const relay = at('ws-relay', size);
  const socketio = at('socketio', size);
  const polling = at('polling', size);
  const checks: TargetCheck[] = [];
  const check = (name: string, measured: string, target: string, ok: boolean | undefined): void => {
    checks.push({ name, measured, target, ok });
  };
  const within = (r: number | undefined, limit: number): boolean | undefined =>
    r === undefined ? undefined : r <= limit;

  check(
    `zero loss (this, C=${size})`,
    self ? `${self.delivered}/${self.expected}` : 'not measured',
    'all delivered',
    self ? self.delivered === self.expected : undefined,
  );
  const p50 = ratio(self?.p50_ms, relay?.p50_ms);
  check('p50 vs ws-relay', times(p50), '≤ 1.25×', within(p50, 1.25));
  const p99 = ratio(self?.p99_ms, relay?.p99_ms);
  check('p99 vs ws-relay (median of repeats)', times(p99), '≤ 1.5×', within(p99, 1.5));
  const p99io = ratio(self?.p99_ms, socketio?.p99_ms);
  check('p99 vs socketio', times(p99io), '< 1×', p99io === undefined ? undefined : p99io < 1);
  const heap = ratio(self?.heap_per_conn_bytes, relay?.heap_per_conn_bytes);
  check('heap per connection vs ws-relay', times(heap), '≤ 1.5×', within(heap, 1.5));
  const rss = ratio(self?.rss_per_conn_bytes, relay?.rss_per_conn_bytes);
  check('RSS per connection vs ws-relay', times(rss), '≤ 1.3×', within(rss, 1.3));
  const cpu = ratio(self?.cpu_percent, relay?.cpu_percent);
  check('server CPU vs ws-relay', times(cpu), '≤ 1.3×', within(cpu, 1.3));

  const redisCounts = summaries
    .filter((s) => s.system === 'this' && s.redis_clients !== undefined)
    .map((s) => s.redis_clients as number);
  const mostRedis = redisCounts.length > 0 ? Math.max(...redisCounts) : undefined;
  check(
    'Redis connections of this (any C)',
    mostRedis === undefined ? 'not measured' : String(mostRedis),
    '≤ 3',
    mostRedis === undefined ? undefined : mostRedis <= 3,
  );

  const big = summaries.filter((s) => s.system === 'this' && s.size >= 19_000);
  const held = big.find((s) => s.failed === 0 && s.delivered === s.expected);
  check(
    '19,000 connections on one process',
    big.length === 0
      ? 'not measured (use --connections 19000)'
      : held
        ? `${held.connections} held, no loss`
        : `${big[0]?.failed} failed`,
    'held, no loss',
    big.length === 0 ? undefined : held !== undefined,
  );

  const fewer =
    self?.http_requests !== undefined && polling?.http_requests
      ? 1 - self.http_requests / polling.http_requests
      : undefined;
  check(
    'HTTP requests per minute vs polling',
    fewer === undefined ? 'not measured' : `${(fewer * 100).toFixed(2)} % fewer`,
    '≥ 99 % fewer',
    fewer === undefined ? undefined : fewer >= 0.99,
  );
  const lower = ratio(polling?.p50_ms, self?.p50_ms);
  check(
    'p50 vs polling',
    lower === undefined ? 'not measured' : `${lower.toFixed(0)}× lower`,
    '≥ 100× lower',
    lower === undefined ? undefined : lower >= 100,
  );
  return checks;
}

/** One line per check: `PASS`, `MISS` or `----` (not measured). */
export function formatTargets(checks: readonly TargetCheck[]): string {
  return checks
    .map(
      (c) => `${c.ok === undefined ? '----' : c.ok ? 'PASS' : 'MISS'}  ${c.name}: ${c.measured} (target ${c.target})`,
    )
    .join('\n');
}
