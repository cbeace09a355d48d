/**
 * Repeats folded into one row per (system, web processes, size): medians of the figures and the
 * range of the noisy ones (p99, max). Pure.
 */
import type { SystemName } from '../options.js';
import type { RunResult } from './run-result.js';
import { median, range } from './stats.js';

export interface RunSummary {
  readonly system: SystemName;
  /** See RunResult.web_processes. */
  readonly web_processes: number | null;
  readonly size: number;
  readonly repeats: number;
  readonly connections: number;
  readonly delivered: number;
  readonly expected: number;
  readonly p50_ms: number | undefined;
  readonly p95_ms: number | undefined;
  readonly p99_ms: number | undefined;
  readonly p99_range: { min: number; max: number } | undefined;
  readonly max_ms: number | undefined;
  readonly heap_per_conn_bytes: number | undefined;
  readonly rss_per_conn_bytes: number | undefined;
  readonly cpu_percent: number | undefined;
  readonly redis_clients: number | undefined;
  readonly http_requests: number | undefined;
  readonly failed: number;
}

/** One summary per (system, web processes, size), in the order the runs first appear. */
export function summarizeRuns(runs: readonly RunResult[]): RunSummary[] {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) {
    const key = `${run.system}×${run.web_processes ?? 'direct'}@${run.size}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as RunResult;
    const med = (pick: (r: RunResult) => number | null): number | undefined => median(group.map(pick));
    return {
      system: first.system,
      web_processes: first.web_processes,
      size: first.size,
      repeats: group.length,
      connections: first.connections,
      delivered: group.reduce((n, r) => n + r.delivered, 0),
      expected: group.reduce((n, r) => n + r.expected, 0),
      p50_ms: med((r) => r.p50_ms),
      p95_ms: med((r) => r.p95_ms),
      p99_ms: med((r) => r.p99_ms),
      p99_range: range(group.map((r) => r.p99_ms)),
      max_ms: med((r) => r.max_ms),
      heap_per_conn_bytes: med((r) => r.heap_per_conn_bytes),
      rss_per_conn_bytes: med((r) => r.rss_per_conn_bytes),
      cpu_percent: med((r) => r.cpu_percent),
      redis_clients: med((r) => r.redis_clients),
      http_requests: med((r) => r.http_requests),
      failed: group.reduce((n, r) => n + r.failed, 0),
    };
  });
}
