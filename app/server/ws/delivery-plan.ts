/**
 * The per-socket delivery rules as pure functions: progress is state, not a log, so a socket that
 * reads slowly gets the newest state instead of every state; `seq` only ever grows on a connection;
 * a terminal state is never skipped (it is the newest, so coalescing keeps it).
 */
import type { ProgressFrame } from './progress-frame.js';
import type { SocketPhase } from './progress-socket.js';

export interface DeliveryState {
  readonly phase: SocketPhase;
  readonly lastSeq: number;
  readonly pending: ProgressFrame | undefined;
}

/**
 * - `send`: write it now.
 * - `queue`: the socket is joining; keep it until the snapshot is sent.
 * - `defer`: the peer is behind (unsent bytes over the limit); hold it as the pending state.
 * - `coalesce`: a pending state is already held; this newer one replaces it.
 * - `stale`: its `seq` is not newer than what was sent or is pending; sending it would go backwards.
 * - `ignore`: the socket is not (or no longer) receiving.
 */
export type DeliveryPlan = 'send' | 'queue' | 'defer' | 'coalesce' | 'stale' | 'ignore';

export function planDelivery(
  state: DeliveryState,
  frame: ProgressFrame,
  bufferedAmount: number,
  limitBytes: number,
): DeliveryPlan {
  if (state.phase === 'joining') return 'queue';
  if (state.phase !== 'live') return 'ignore';
  if (frame.seq <= (state.pending?.seq ?? state.lastSeq)) return 'stale';
  if (state.pending !== undefined) return 'coalesce';
  return bufferedAmount > limitBytes ? 'defer' : 'send';
}

/**
 * Most messages held for a joining socket. Joining takes one Redis round trip, so this is only ever
 * reached by a burst far faster than any worker writes; past it the oldest states give way (the
 * terminal state is always the newest, so it stays).
 */
export const MAX_BACKLOG = 64;

/** Appends to a joining socket's backlog; answers how many older states were dropped to make room. */
export function appendBacklog(backlog: ProgressFrame[], frame: ProgressFrame, max = MAX_BACKLOG): number {
  backlog.push(frame);
  if (backlog.length <= max) return 0;
  backlog.splice(0, backlog.length - max);
  return 1;
}
