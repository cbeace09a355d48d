/**
 * Pings every socket on one shared timer and terminates a peer that did not answer the previous ping:
 * a vanished client (laptop lid shut, NAT entry expired) then costs at most two intervals.
 */
import { WebSocket } from 'ws';
import type { ProgressSocket } from './progress-socket.js';

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sockets: ReadonlySet<ProgressSocket>,
    private readonly intervalMs: number,
    private readonly onDead: (socket: ProgressSocket) => void = () => undefined,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.beat(), this.intervalMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: terminate the silent, ping the rest. */
  beat(): void {
    for (const socket of this.sockets) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      if (!socket.alive) {
        this.onDead(socket);
        socket.terminate();
        continue;
      }
      socket.alive = false;
      socket.ping();
    }
  }
}
