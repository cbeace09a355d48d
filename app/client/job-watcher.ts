/**
 * Runs one job's {@link stepWatch} state machine against real sockets, requests and timers. The
 * platform (socket factory, progress request, timers, random) is passed in, so Node tests drive it
 * with fake sockets and fake timers, and the page passes the browser's.
 */
import { parseProgressMessage, type ProgressMessage } from '../domain/progress-message.js';
import { CLOSE_ABNORMAL, CLOSE_NORMAL } from '../domain/wire-contract.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import {
  newWatch,
  stepWatch,
  type PollAnswer,
  type Watch,
  type WatchEffect,
  type WatchEvent,
  type WatchMode,
  type WatchPhase,
} from './watch-machine.js';

/** The part of the browser's `WebSocket` the watcher uses. */
export interface SocketLike {
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number }) => void) | null;
  close(code?: number): void;
}

/** The two transports and the clock, as the page (or a test) provides them. */
export interface WatchPlatform {
  /** Opens the job's WebSocket (the transport knows the address and the token). */
  openSocket(jobId: string): SocketLike;
  /** `GET /jobs/{id}/progress`, answered as a {@link PollAnswer}; never rejects. */
  fetchProgress(jobId: string): Promise<PollAnswer>;
  /** Time between polls: `GET /config`'s `pollIntervalMs`. */
  readonly pollIntervalMs: number;
  /** In [0, 1); seeded in tests. @default Math.random */
  readonly random?: () => number;
  readonly backoff?: BackoffOptions;
}

export interface JobWatcherOptions {
  readonly jobId: string;
  /** The `seq` the page already shows for this job. */
  readonly lastSeq: number;
  readonly platform: WatchPlatform;
  /** Called with every state newer than the last one shown. */
  readonly onApply: (message: ProgressMessage) => void;
  /** Called whenever the phase changes (to show "reconnecting", "polling", ...). */
  readonly onPhase?: (phase: WatchPhase) => void;
}

type Timer = ReturnType<typeof setTimeout>;

/** Watches one job until it is terminal, refused or stopped. */
export class JobWatcher {
  private watch: Watch;
  private socket: SocketLike | undefined;
  private retryTimer: Timer | undefined;
  private pollTimer: Timer | undefined;
  /** Bumped by `cancel-poll`, so the answer of a request still in flight is dropped. */
  private pollGeneration = 0;

  constructor(private readonly options: JobWatcherOptions) {
    this.watch = newWatch(options.jobId, options.lastSeq);
  }

  get phase(): WatchPhase {
    return this.watch.phase;
  }

  get lastSeq(): number {
    return this.watch.lastSeq;
  }

  start(mode: WatchMode): void {
    this.dispatch({ type: 'start', mode });
  }

  stop(): void {
    this.dispatch({ type: 'stop' });
  }

  private dispatch(event: WatchEvent): void {
    const before = this.watch.phase;
    const step = stepWatch(this.watch, event);
    this.watch = step.watch;
    for (const effect of step.effects) this.perform(effect);
    if (step.watch.phase !== before) this.notify(() => this.options.onPhase?.(step.watch.phase));
  }

  private perform(effect: WatchEffect): void {
    const { platform } = this.options;
    switch (effect.type) {
      case 'apply':
        this.notify(() => this.options.onApply(effect.message));
        return;
      case 'open-socket':
        this.openSocket();
        return;
      case 'close-socket':
        this.closeSocket();
        return;
      case 'schedule-retry': {
        clearTimeout(this.retryTimer);
        const delay = backoffDelay(effect.attempt, platform.random ?? Math.random, platform.backoff);
        this.retryTimer = setTimeout(() => this.dispatch({ type: 'retry-due' }), delay);
        return;
      }
      case 'cancel-retry':
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        return;
      case 'schedule-poll':
        clearTimeout(this.pollTimer);
        this.pollTimer = setTimeout(() => this.dispatch({ type: 'poll-due' }), platform.pollIntervalMs);
        return;
      case 'cancel-poll':
        clearTimeout(this.pollTimer);
        this.pollTimer = undefined;
        this.pollGeneration += 1;
        return;
      case 'poll': {
        const generation = this.pollGeneration;
        void platform
          .fetchProgress(this.options.jobId)
          .catch((): PollAnswer => ({ kind: 'error' }))
          .then((answer) => {
            if (generation === this.pollGeneration) this.dispatch({ type: 'poll-answer', answer });
          });
        return;
      }
    }
  }

  private openSocket(): void {
    this.closeSocket();
    let socket: SocketLike;
    try {
      socket = this.options.platform.openSocket(this.options.jobId);
    } catch {
      // A constructor that throws (bad URL, blocked by policy) is a failed attempt like any other.
      queueMicrotask(() => this.dispatch({ type: 'socket-closed', code: CLOSE_ABNORMAL }));
      return;
    }
    this.socket = socket;
    // Events of a socket that was replaced or closed on purpose must not reach the machine.
    socket.onmessage = (event) => {
      if (this.socket !== socket || typeof event.data !== 'string') return;
      const message = parseProgressMessage(event.data);
      if (message) this.dispatch({ type: 'frame', message });
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.dispatch({ type: 'socket-closed', code: event.code });
    };
  }

  private closeSocket(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    socket.onmessage = null;
    socket.onclose = null;
    try {
      socket.close(CLOSE_NORMAL);
    } catch {
      // Already closing or closed: nothing left to release.
    }
  }

  /** Page callbacks must never break the watcher's own bookkeeping. */
  private notify(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      // Surfaces in the browser console (window "error" event) without unwinding this dispatch.
      (globalThis as { reportError?: (error: unknown) => void }).reportError?.(error);
    }
  }
}
