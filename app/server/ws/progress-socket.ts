/**
 * One WebSocket of `/ws/jobs/{id}` with its delivery state as plain fields on the `ws` object itself
 * (ws's `WebSocket` option): no side object, no map lookup and no closure per connection, which keeps
 * 10,000 idle sockets cheap. Listeners are shared functions that read `this`.
 */
import { WebSocket } from 'ws';
import type { ProgressFrame } from './progress-frame.js';

/**
 * `authorizing`: token, job and limits are being checked; `joining`: subscribed, the snapshot is
 * being read (live messages wait in `backlog`); `live`: frames flow; `closing`: nothing more is sent.
 */
export type SocketPhase = 'authorizing' | 'joining' | 'live' | 'closing';

export class ProgressSocket extends WebSocket {
  phase: SocketPhase = 'authorizing';
  /** The raw `{job_id}` of the path (a valid UUID once `joining`). */
  jobId = '';
  /** Set once the socket holds one of its user's connection slots; released on close. */
  userId: string | undefined = undefined;
  /** `seq` of the last frame sent. */
  lastSeq = 0;
  /** The newest state not yet sent because the peer reads slowly (coalescing keeps only this one). */
  pending: ProgressFrame | undefined = undefined;
  /** Live messages that arrived while joining, in order; checked against the snapshot's `seq`. */
  backlog: ProgressFrame[] | undefined = undefined;
  /** Since when (epoch ms) `pending` has waited for the peer to drain; 0 when not congested. */
  congestedSince = 0;
  /** Answered the last ping. */
  alive = true;
  /** Whether `WebSocket connected for job` was logged, so the disconnect is logged too. */
  announced = false;
  /** The code the server closed with (0 when the peer closed first): what metrics and logs report. */
  closeCode = 0;
}

/** Shared `pong` listener: the peer is alive. */
export function markAlive(this: WebSocket): void {
  (this as ProgressSocket).alive = true;
}
