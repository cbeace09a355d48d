/**
 * What every kind of load-generator client shares: a log of the frames it received and the life
 * cycle the process counts (started → opened → ready → done, or failed).
 */
import { now } from '../clock.js';
import type { FrameLog } from '../report/coverage.js';

/** Called by a client on each step of its life; the process keeps the counts. */
export interface ClientEvents {
  opened(client: BenchClient): void;
  ready(client: BenchClient): void;
  done(client: BenchClient): void;
  failed(client: BenchClient, reason: string): void;
}

export type ClientState = 'idle' | 'connecting' | 'open' | 'ready' | 'done' | 'failed';

/** One watcher of one job. Subclasses open their transport in {@link start} and report through {@link events}. */
export abstract class BenchClient implements FrameLog {
  readonly seqs: number[] = [];
  readonly times: number[] = [];
  /** When each HTTP request (handshake or poll) was sent. */
  readonly requestTimes: number[] = [];
  state: ClientState = 'idle';
  startedAt = 0;
  openedAt = 0;

  constructor(protected readonly events: ClientEvents) {}

  /** Begins connecting. */
  start(): void {
    this.state = 'connecting';
    this.startedAt = now();
    this.open();
  }

  /** Closes the transport without reporting anything (end of run). */
  abstract stop(): void;

  protected abstract open(): void;

  protected markOpen(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    this.openedAt = now();
    this.events.opened(this);
  }

  protected markReady(): void {
    if (this.state === 'connecting') this.markOpen();
    if (this.state !== 'open') return;
    this.state = 'ready';
    this.events.ready(this);
  }

  /** Records a frame's state; `seq` below 0 (a notice without a state) is not a frame. */
  protected record(seq: number, at: number): void {
    if (seq < 0) return;
    this.seqs.push(seq);
    this.times.push(at);
  }

  protected markDone(): void {
    if (this.state === 'done' || this.state === 'failed') return;
    this.state = 'done';
    this.events.done(this);
  }

  protected markFailed(reason: string): void {
    if (this.state === 'done' || this.state === 'failed') return;
    this.state = 'failed';
    this.events.failed(this, reason);
  }
}

/** A terminal status ends a job: no state follows it. */
export function isTerminalText(text: string): boolean {
  return text.includes('"status":"succeeded"') || text.includes('"status":"failed"');
}
