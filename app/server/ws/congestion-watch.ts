/**
 * Watches the sockets that hold a pending state because their peer reads slowly. One timer serves all
 * of them and runs only while there are any; a socket that drains gets its pending state at the next
 * tick, one that stays over the limit longer than the timeout is given up on (closed `1013`).
 *
 * `ws` has no public "drain" event, and a callback per `send` would cost a closure per frame for every
 * socket; polling only the few congested sockets costs nothing for the healthy ones.
 */
import { WebSocket } from 'ws';
import type { ProgressSocket } from './progress-socket.js';

export interface CongestionWatchOptions {
  readonly limitBytes: number;
  readonly timeoutMs: number;
  /** Called when a watched socket has drained below the limit. */
  readonly onDrained: (socket: ProgressSocket) => void;
  /** Called when a socket stayed over the limit for `timeoutMs`. */
  readonly onStalled: (socket: ProgressSocket) => void;
  /** @default 50 */
  readonly intervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export class CongestionWatch {
  private readonly sockets = new Set<ProgressSocket>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: CongestionWatchOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.sockets.size;
  }

  /** Starts watching `socket` (its `congestedSince` is set now unless it already is). */
  add(socket: ProgressSocket): void {
    if (socket.congestedSince === 0) socket.congestedSince = this.now();
    this.sockets.add(socket);
    this.timer ??= setInterval(() => this.tick(), this.options.intervalMs ?? 50).unref();
  }

  delete(socket: ProgressSocket): void {
    socket.congestedSince = 0;
    this.sockets.delete(socket);
    if (this.sockets.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = this.now();
    for (const socket of this.sockets) {
      if (socket.readyState !== WebSocket.OPEN || socket.phase !== 'live') {
        this.delete(socket);
      } else if (socket.bufferedAmount <= this.options.limitBytes) {
        this.delete(socket);
        this.options.onDrained(socket);
      } else if (now - socket.congestedSince >= this.options.timeoutMs) {
        this.delete(socket);
        this.options.onStalled(socket);
      }
    }
  }
}
