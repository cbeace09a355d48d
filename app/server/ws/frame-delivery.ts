/**
 * Carries frames to sockets following {@link planDelivery}: the snapshot first, then only newer
 * states, coalesced for peers that read slowly, the terminal state always last and then `1000`.
 */
import { CongestionWatch } from './congestion-watch.js';
import { CLOSE_NORMAL, CLOSE_TRY_AGAIN_LATER } from '../../domain/wire-contract.js';
import { appendBacklog, planDelivery } from './delivery-plan.js';
import type { FrameCounts } from './frame-counts.js';
import type { ProgressFrame } from './progress-frame.js';
import type { ProgressSocket } from './progress-socket.js';

// The message bytes are UTF-8 JSON: send them as a text frame without converting to a string.
const TEXT_FRAME = { binary: false } as const;

export interface FrameDeliveryOptions {
  /** Unsent bytes above which a socket gets only the newest state. */
  readonly limitBytes: number;
  /** How long a socket may stay above the limit before it is closed `1013`. */
  readonly slowConsumerTimeoutMs: number;
  readonly counts: FrameCounts;
  /** Ends a connection (the gateway's close: leaves the relay, records the code). */
  readonly close: (socket: ProgressSocket, code: number, reason: string) => void;
}

export class FrameDelivery {
  readonly watch: CongestionWatch;
  private readonly limitBytes: number;
  private readonly counts: FrameCounts;

  constructor(private readonly options: FrameDeliveryOptions) {
    this.limitBytes = options.limitBytes;
    this.counts = options.counts;
    this.watch = new CongestionWatch({
      limitBytes: options.limitBytes,
      timeoutMs: options.slowConsumerTimeoutMs,
      onDrained: (socket) => this.flushPending(socket),
      onStalled: (socket) => options.close(socket, CLOSE_TRY_AGAIN_LATER, 'client reads too slowly; reconnect'),
    });
  }

  /** Sends the snapshot as the first frame, then what arrived while joining (newer `seq` only). */
  start(socket: ProgressSocket, snapshot: ProgressFrame): void {
    const backlog = socket.backlog;
    socket.backlog = undefined;
    socket.phase = 'live';
    this.send(socket, snapshot);
    if (backlog === undefined) return;
    for (const frame of backlog) this.deliver(socket, frame);
  }

  /** One message for one socket; called in the relay's fan-out loop, so it allocates nothing. */
  deliver(socket: ProgressSocket, frame: ProgressFrame): void {
    switch (planDelivery(socket, frame, socket.bufferedAmount, this.limitBytes)) {
      case 'send':
        this.send(socket, frame);
        return;
      case 'queue':
        if (socket.backlog === undefined) socket.backlog = [frame];
        else this.counts.coalesced += appendBacklog(socket.backlog, frame);
        return;
      case 'defer':
        socket.pending = frame;
        this.watch.add(socket);
        return;
      case 'coalesce':
        socket.pending = frame;
        this.counts.coalesced++;
        return;
      case 'stale':
        this.counts.droppedStale++;
        return;
      case 'ignore':
        return;
    }
  }

  /** Forgets what a closing socket still held (counted as dropped) and stops watching it. */
  release(socket: ProgressSocket): void {
    if (socket.pending !== undefined) this.counts.droppedClosed++;
    socket.pending = undefined;
    socket.backlog = undefined;
    if (socket.congestedSince !== 0) this.watch.delete(socket);
  }

  private flushPending(socket: ProgressSocket): void {
    const frame = socket.pending;
    socket.pending = undefined;
    if (frame !== undefined && socket.phase === 'live') this.send(socket, frame);
  }

  private send(socket: ProgressSocket, frame: ProgressFrame): void {
    socket.send(frame.data, TEXT_FRAME);
    socket.lastSeq = frame.seq;
    this.counts.sent++;
    if (frame.terminal) this.options.close(socket, CLOSE_NORMAL, 'job finished');
  }
}
