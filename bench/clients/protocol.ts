/**
 * Messages between the coordinator (`bench/main.ts`) and a load-generator process
 * (`client-main.ts`), sent over the child-process IPC channel with `serialization: 'advanced'`, so
 * typed arrays travel as they are.
 */
import type { SystemName } from '../options.js';

/** One client socket (or poller, or subscribed channel for `floor`) to open. */
export interface ClientSpec {
  /** Index of the job among the run's jobs. */
  readonly jobIndex: number;
  readonly jobId: string;
  /** A token of the job's owner. */
  readonly token: string;
}

export interface InitCommand {
  readonly type: 'init';
  readonly system: SystemName;
  /** `http://127.0.0.1:PORT` of the server under test (unused by `floor`). */
  readonly baseUrl: string;
  /** Redis, for `floor` only. */
  readonly redisUrl: string;
  readonly clients: readonly ClientSpec[];
  /** Handshakes in flight at most, per process. */
  readonly connectConcurrency: number;
  /** Polling interval of the `polling` system (the contract's `pollIntervalMs`). */
  readonly pollIntervalMs: number;
}

/** Open clients until the first `upTo` of this process' clients have been started. */
export interface ConnectCommand {
  readonly type: 'connect';
  readonly upTo: number;
}

export interface ClockCommand {
  readonly type: 'clock';
}

/** The run is over: join the publisher's send times with what arrived, answer a {@link ResultReport}. */
export interface FinishCommand {
  readonly type: 'finish';
  /** Send times of the jobs this process watched, by job index. */
  readonly sent: Readonly<Record<number, { readonly firstSeq: number; readonly sendTimes: Float64Array }>>;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** This process' clock minus the coordinator's, in ms. */
  readonly clockOffsetMs: number;
}

export type Command = InitCommand | ConnectCommand | ClockCommand | FinishCommand;

export interface StatusReport {
  readonly type: 'status';
  /** Clients started so far. */
  readonly started: number;
  /** Handshake completed (socket open, first poll answered, channel subscribed). */
  readonly opened: number;
  /** Ready: the first frame arrived (snapshot or subscription notice), so no published state can be missed. */
  readonly ready: number;
  /** Saw their job's terminal state (and, for `this`, the server's close). */
  readonly done: number;
  /** Failed to connect, or lost their connection before the terminal state. */
  readonly failed: number;
}

export interface ClockReport {
  readonly type: 'clock';
  readonly now: number;
}

export interface ResultReport {
  readonly type: 'result';
  /** Latencies of the `running` states (the steady-state window). */
  readonly latencies: Float64Array;
  /** Latencies of the terminal states (published after the window). */
  readonly terminalLatencies: Float64Array;
  readonly delivered: number;
  readonly expected: number;
  readonly exactFrames: number;
  readonly outOfOrder: number;
  /** Handshake durations (ms) of the clients that opened. */
  readonly connectMs: Float64Array;
  readonly failed: number;
  /** Failure reasons with counts, e.g. `close 4429: 3`. */
  readonly failures: Readonly<Record<string, number>>;
  /** HTTP requests sent inside the measured window, and in all (handshakes and polls). */
  readonly requestsInWindow: number;
  readonly requestsTotal: number;
  /** Worst latency per second of the window (by send time). */
  readonly maxBySecond: number[];
}

export type Report = StatusReport | ClockReport | ResultReport;
