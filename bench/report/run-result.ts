/**
 * One measured run (one system at one size), in the shape of the JSON report. The fields every run
 * must have come first; the rest explain them. `null` marks a figure that does not apply (memory of the
 * `floor`, which has no server) or could not be measured.
 */
import type { SystemName } from '../options.js';

export interface RunResult {
  readonly system: SystemName;
  /** Client connections: sockets, pollers, or 1 subscriber for `floor`. */
  readonly connections: number;
  readonly jobs: number;
  /** Messages per second published over all jobs. */
  readonly rate: number;
  /** (client, state) pairs received, out of `expected` (running and terminal states); equal means zero loss. */
  readonly delivered: number;
  readonly expected: number;
  /** Latency of the `running` states of the steady-state window: publisher's store call to client receipt. */
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
  /** Idle server memory per connection after a full GC: (all connected − warm-up cohort) / extra connections. */
  readonly heap_per_conn_bytes: number | null;
  readonly rss_per_conn_bytes: number | null;
  /** Server CPU over the measured window, percent of one core (all web processes together). */
  readonly cpu_percent: number | null;
  /** `this` as N processes behind haproxy (`--web-processes`); null: one process, reached directly. */
  readonly web_processes: number | null;
  /** haproxy's CPU over the window with `--web-processes`, percent of one core; not part of `cpu_percent`. */
  readonly proxy_cpu_percent: number | null;
  /** Redis connections held by the server process (by client port ownership in CLIENT LIST). */
  readonly redis_clients: number | null;
  /** HTTP requests per minute the clients sent during the measured window. */
  readonly http_requests: number;

  /** The profile size C this run belongs to (`connections` differs for `floor`). */
  readonly size: number;
  /** 1-based repeat of the plan. */
  readonly repeat: number;
  readonly duration_s: number;
  /** Handshake time (request to open) of the clients. */
  readonly connect_p50_ms: number | null;
  readonly connect_p99_ms: number | null;
  /** Seconds until every client was ready (or had failed). */
  readonly connect_all_s: number;
  /** Frames carrying exactly a published state (fewer than `delivered` means coalescing or loss). */
  readonly exact_frames: number;
  readonly out_of_order: number;
  /** Clients that failed to connect or lost their connection before the terminal state. */
  readonly failed: number;
  readonly failures: Readonly<Record<string, number>>;
  /** Every HTTP request the clients sent (handshakes included). */
  readonly http_requests_total: number;
  /** Latency of the terminal states, published after the window (every socket closes within ~J/R s). */
  readonly terminal_p50_ms: number | null;
  readonly terminal_p99_ms: number | null;
  readonly terminal_max_ms: number | null;
  /** Worst latency of the states published in each second of the window: a stall shows as one high second. */
  readonly max_ms_by_second: readonly number[];
  /** Smallest latency sample; well below 0 would mean the clocks disagree. */
  readonly min_ms: number | null;
  /** Largest clock offset measured between the coordinator and a client process. */
  readonly clock_offset_ms: number;
  readonly client_processes: number;
  /** CPU of all load-generator processes over the window, percent of one core (they share the machine with the server). */
  readonly client_cpu_percent: number;
  /** 1-minute load average of the machine when the window ended (2 cores here: above 2 means waiting for CPU). */
  readonly load_1m: number;
  /** Store calls that failed or answered an unexpected seq. */
  readonly publish_errors: number;
  readonly notes: readonly string[];
}

/** The whole JSON report. */
export interface BenchReport {
  readonly machine: string;
  readonly date: string;
  readonly profile: string;
  readonly command: string;
  readonly conditions: string;
  readonly runs: readonly RunResult[];
}

/** The keys every run of the JSON report has (docs/benchmark.md describes them). */
export const REQUIRED_RUN_KEYS = [
  'system',
  'connections',
  'jobs',
  'rate',
  'delivered',
  'expected',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
  'heap_per_conn_bytes',
  'rss_per_conn_bytes',
  'cpu_percent',
  'redis_clients',
  'http_requests',
] as const;
