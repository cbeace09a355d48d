/**
 * The state machine of watching one job's progress: WebSocket first, reconnect with backoff, fall
 * back to polling after repeated failures, stop at the terminal state. Pure: it answers the next
 * state and the effects to perform; `job-watcher.ts` performs them with real sockets and timers.
 */
import { isTerminal } from '../domain/job.js';
import type { ProgressMessage } from '../domain/progress-message.js';
import { closeAction, RECONNECT_POLICY, refusalOf, type RefusalReason } from '../domain/wire-contract.js';

/** How the page learns about progress, from `GET /config`'s `enableWebsocket`. */
export type WatchMode = 'websocket' | 'polling';

/** Where a watch is; `failures` counts unexpected WebSocket ends in a row. */
export type WatchPhase =
  /** Created, not started. */
  | { readonly kind: 'idle' }
  /** A WebSocket is opening or open. */
  | { readonly kind: 'socket'; readonly failures: number }
  /** Waiting for the backoff delay before the next WebSocket attempt. */
  | { readonly kind: 'backoff'; readonly failures: number }
  /** Polling after too many failures; a WebSocket retry is scheduled. */
  | { readonly kind: 'fallback'; readonly failures: number }
  /** Still polling while a WebSocket retry is under way. */
  | { readonly kind: 'probe'; readonly failures: number }
  /** WebSocket is off on the server: polling only. */
  | { readonly kind: 'polling' }
  /** The terminal state arrived; nothing is open. */
  | { readonly kind: 'finished'; readonly status: 'succeeded' | 'failed' }
  /** The server said no for good (bad token, unknown job); nothing is open. */
  | { readonly kind: 'refused'; readonly reason: RefusalReason }
  /** The page stopped watching; nothing is open. */
  | { readonly kind: 'stopped' };

export interface Watch {
  readonly jobId: string;
  /** The `seq` of the last state shown; anything not newer is ignored. */
  readonly lastSeq: number;
  readonly phase: WatchPhase;
}

/** What `GET /jobs/{id}/progress` answered. */
export type PollAnswer =
  | { readonly kind: 'message'; readonly message: ProgressMessage }
  | { readonly kind: 'refused'; readonly reason: RefusalReason }
  /** Network error, 5xx, 429, or a body that is not a Progress message: poll again later. */
  | { readonly kind: 'error' };

export type WatchEvent =
  | { readonly type: 'start'; readonly mode: WatchMode }
  | { readonly type: 'frame'; readonly message: ProgressMessage }
  | { readonly type: 'socket-closed'; readonly code: number }
  | { readonly type: 'retry-due' }
  | { readonly type: 'poll-due' }
  | { readonly type: 'poll-answer'; readonly answer: PollAnswer }
  | { readonly type: 'stop' };

export type WatchEffect =
  /** Show this state (its `seq` is newer than anything shown). */
  | { readonly type: 'apply'; readonly message: ProgressMessage }
  | { readonly type: 'open-socket' }
  | { readonly type: 'close-socket' }
  /** Fire `retry-due` after the backoff delay of retry number `attempt` (0-based). */
  | { readonly type: 'schedule-retry'; readonly attempt: number }
  | { readonly type: 'cancel-retry' }
  /** Fire `poll-due` after the poll interval. */
  | { readonly type: 'schedule-poll' }
  /** Cancel the poll timer and ignore the answer of a request still in flight. */
  | { readonly type: 'cancel-poll' }
  /** Request `GET /jobs/{id}/progress` now and report `poll-answer`. */
  | { readonly type: 'poll' };

export interface Step {
  readonly watch: Watch;
  readonly effects: readonly WatchEffect[];
}

/** A watch that has not started; `lastSeq` is the `seq` the page already shows. */
export function newWatch(jobId: string, lastSeq: number): Watch {
  return { jobId, lastSeq, phase: { kind: 'idle' } };
}

/** True once nothing will change any more (finished, refused or stopped). */
export function isOver(phase: WatchPhase): boolean {
  return phase.kind === 'finished' || phase.kind === 'refused' || phase.kind === 'stopped';
}

/** The next state and the effects for `event`. Events that make no sense in a phase are ignored. */
export function stepWatch(watch: Watch, event: WatchEvent): Step {
  const { phase } = watch;
  if (isOver(phase)) return stay(watch);
  switch (event.type) {
    case 'start':
      if (phase.kind !== 'idle') return stay(watch);
      return event.mode === 'websocket'
        ? { watch: { ...watch, phase: { kind: 'socket', failures: 0 } }, effects: [{ type: 'open-socket' }] }
        : { watch: { ...watch, phase: { kind: 'polling' } }, effects: [{ type: 'schedule-poll' }] };
    case 'frame':
      return onFrame(watch, event.message);
    case 'socket-closed':
      return onSocketClosed(watch, event.code);
    case 'retry-due':
      if (phase.kind === 'backoff')
        return to(watch, { kind: 'socket', failures: phase.failures }, { type: 'open-socket' });
      if (phase.kind === 'fallback')
        return to(watch, { kind: 'probe', failures: phase.failures }, { type: 'open-socket' });
      return stay(watch);
    case 'poll-due':
      return isPolling(phase) ? { watch, effects: [{ type: 'poll' }] } : stay(watch);
    case 'poll-answer':
      return onPollAnswer(watch, event.answer);
    case 'stop':
      return to(watch, { kind: 'stopped' }, ...releaseAll());
  }
}

function onFrame(watch: Watch, message: ProgressMessage): Step {
  const { phase } = watch;
  if (phase.kind !== 'socket' && phase.kind !== 'probe') return stay(watch);
  if (message.jobId !== watch.jobId) return stay(watch);
  const received = receive(watch, message);
  if (isOver(received.watch.phase)) return received;
  // Any frame proves the connection works (a snapshot we already have included: contract point 7),
  // so the failure count starts over and a probe ends the polling.
  const healthy: WatchPhase = { kind: 'socket', failures: 0 };
  const effects = phase.kind === 'probe' ? [...received.effects, { type: 'cancel-poll' } as const] : received.effects;
  return { watch: { ...received.watch, phase: healthy }, effects };
}

function onSocketClosed(watch: Watch, code: number): Step {
  const { phase } = watch;
  if (phase.kind !== 'socket' && phase.kind !== 'probe') return stay(watch);
  if (closeAction(code) === 'final') {
    return to(watch, { kind: 'refused', reason: refusalOf(code) }, ...releaseAll());
  }
  const failures = phase.failures + 1;
  const retry: WatchEffect = { type: 'schedule-retry', attempt: failures - 1 };
  if (phase.kind === 'probe') return to(watch, { kind: 'fallback', failures }, retry);
  if (failures >= RECONNECT_POLICY.failuresBeforeFallback) {
    // Poll at once: the job may have moved on while the sockets kept failing.
    return to(watch, { kind: 'fallback', failures }, retry, { type: 'poll' });
  }
  return to(watch, { kind: 'backoff', failures }, retry);
}

function onPollAnswer(watch: Watch, answer: PollAnswer): Step {
  const polling = isPolling(watch.phase);
  switch (answer.kind) {
    case 'refused':
      return to(watch, { kind: 'refused', reason: answer.reason }, ...releaseAll());
    case 'error':
      return polling ? { watch, effects: [{ type: 'schedule-poll' }] } : stay(watch);
    case 'message': {
      if (answer.message.jobId !== watch.jobId)
        return polling ? { watch, effects: [{ type: 'schedule-poll' }] } : stay(watch);
      const received = receive(watch, answer.message);
      if (isOver(received.watch.phase) || !polling) return received;
      return { watch: received.watch, effects: [...received.effects, { type: 'schedule-poll' }] };
    }
  }
}

/** Applies a message when it is newer; a terminal state ends the watch and releases everything. */
function receive(watch: Watch, message: ProgressMessage): Step {
  const newer = message.seq > watch.lastSeq;
  const next: Watch = newer ? { ...watch, lastSeq: message.seq } : watch;
  const apply: WatchEffect[] = newer ? [{ type: 'apply', message }] : [];
  if (!isTerminal(message.status)) return { watch: next, effects: apply };
  const status = message.status === 'succeeded' ? 'succeeded' : 'failed';
  return { watch: { ...next, phase: { kind: 'finished', status } }, effects: [...apply, ...releaseAll()] };
}

function isPolling(phase: WatchPhase): boolean {
  return phase.kind === 'polling' || phase.kind === 'fallback' || phase.kind === 'probe';
}

function releaseAll(): WatchEffect[] {
  return [{ type: 'close-socket' }, { type: 'cancel-retry' }, { type: 'cancel-poll' }];
}

function to(watch: Watch, phase: WatchPhase, ...effects: WatchEffect[]): Step {
  return { watch: { ...watch, phase }, effects };
}

function stay(watch: Watch): Step {
  return { watch, effects: [] };
}
