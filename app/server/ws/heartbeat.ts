/**
 * Pings every socket once per interval and terminates a peer that did not answer the previous ping:
 * a vanished client (laptop lid shut, NAT entry expired) then costs at most two intervals.
 *
 * A round is spread over the interval in slices ~100 ms apart instead of pinging every socket in one
 * turn: at 10,000 sockets one synchronous round (10,000 ping writes, then 10,000 pongs arriving
 * together) stalled the event loop for 250–600 ms every interval, and every progress frame due
 * meanwhile waited, which alone set the p99 delivery latency (measured with `npm run bench`, see
 * docs/benchmark.md). Sliced, a step is 40 sockets at the default 25 s interval.
 */
import { WebSocket } from 'ws';
import type { ProgressSocket } from './progress-socket.js';

/** About this far apart are the slices of a round (250 slices at the default 25 s interval). */
const SLICE_MS = 100;

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly slices: number;
  /** The sockets of the current round, taken at its first slice (in the order they opened). */
  private round: ProgressSocket[] = [];
  private slice = 0;

  constructor(
    private readonly sockets: ReadonlySet<ProgressSocket>,
    private readonly intervalMs: number,
    private readonly onDead: (socket: ProgressSocket) => void = () => undefined,
  ) {
    this.slices = Math.max(1, Math.floor(intervalMs / SLICE_MS));
  }

  start(): void {
    this.timer ??= setInterval(() => this.step(), this.intervalMs / this.slices).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.round = [];
    this.slice = 0;
  }

  /**
   * One slice of a round. Every round lasts exactly `slices` steps, and a socket keeps its place in
   * the order sockets opened, so it is checked once per interval; its check comes earlier only when
   * most sockets ahead of it closed in between, and never before the next slice.
   */
  step(): void {
    if (this.slice === 0) this.round = [...this.sockets];
    const count = this.round.length;
    const to = Math.floor(((this.slice + 1) * count) / this.slices);
    for (let i = Math.floor((this.slice * count) / this.slices); i < to; i++)
      this.check(this.round[i] as ProgressSocket);
    this.slice = (this.slice + 1) % this.slices;
    if (this.slice === 0) this.round = [];
  }

  private check(socket: ProgressSocket): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (!socket.alive) {
      this.onDead(socket);
      socket.terminate();
      return;
    }
    socket.alive = false;
    socket.ping();
  }
}
