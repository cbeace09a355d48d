/** Messages between the test and its page-client process (watch-fleet-main.ts), over IPC. */

/** The response header in which the proxy names the web process that answered (lowercase, as Node reads it). */
export const SERVER_HEADER = 'x-backend-server';

/** One client: a page watching one job through one proxy address. */
export interface FleetClient {
  readonly index: number;
  readonly jobId: string;
  readonly token: string;
  /** `http://127.0.0.1:PORT` of the proxy frontend. */
  readonly httpBase: string;
  /** Source address of its sockets (127.0.0.x), so `balance source` sees many clients. */
  readonly localAddress?: string;
}

/** What one client saw, with wall-clock times (ms) comparable with the servers' log times. */
export interface ClientOutcome {
  readonly index: number;
  /** Every WebSocket attempt: when it started, when its first frame came, when and how it closed. */
  readonly connections: {
    startedAt: number;
    upAt: number | undefined;
    closedAt: number | undefined;
    code: number | undefined;
    /** The proxy's name of the web process that took the upgrade (its `X-Backend-Server`). */
    server: string | undefined;
  }[];
  /** Every `GET /jobs/{id}/progress` of the polling fallback. */
  readonly polls: { at: number; answeredAt: number; ok: boolean }[];
  /** The `seq` of every state the page applied (shown), in order. */
  readonly applied: number[];
  /** Every frame: its connection, its `seq`, and the `seq` of the frame before it on that connection (-1 for the first). */
  readonly frames: { connection: number; seq: number; afterSeq: number }[];
  terminal: { status: string; seq: number; at: number } | undefined;
  /** The watch machine's last phase (`finished` at the end of a good run). */
  phase: string;
}

export type FleetCommand =
  | {
      readonly type: 'start';
      readonly clients: readonly FleetClient[];
      readonly connectPerTick: number;
      readonly tickMs: number;
    }
  | { readonly type: 'report' };

export type FleetReport =
  | {
      readonly type: 'status';
      readonly total: number;
      readonly connected: number;
      readonly live: number;
      readonly settled: number;
    }
  | { readonly type: 'outcomes'; readonly outcomes: ClientOutcome[] };
