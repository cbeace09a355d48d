/**
 * A Socket.IO watcher (WebSocket transport only, as a browser that can upgrade at once would):
 * ready on the server's `subscribed` event, records each `progress` event, disconnects itself
 * after the terminal state.
 */
import { io, type Socket } from 'socket.io-client';
import { now } from '../clock.js';
import { seqOf } from '../../app/domain/progress-message.js';
import { BenchClient, isTerminalText, type ClientEvents } from './bench-client.js';

export interface SocketIoClientOptions {
  readonly baseUrl: string;
  readonly jobId: string;
  readonly token: string;
}

export class SocketIoClient extends BenchClient {
  private socket: Socket | undefined;

  constructor(
    events: ClientEvents,
    private readonly options: SocketIoClientOptions,
  ) {
    super(events);
  }

  protected open(): void {
    this.requestTimes.push(now());
    const socket = io(this.options.baseUrl, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { token: this.options.token },
      query: { job: this.options.jobId },
    });
    this.socket = socket;
    socket.on('connect', () => this.markOpen());
    socket.on('subscribed', () => this.markReady());
    socket.on('progress', (text: string) => {
      const at = now();
      this.markReady();
      this.record(seqOf(text), at);
      if (isTerminalText(text)) {
        this.markDone();
        socket.disconnect();
      }
    });
    socket.on('connect_error', (error: Error) => this.markFailed(`connect_error ${error.message}`));
    socket.on('disconnect', (reason: string) => this.markFailed(`disconnect ${reason}`));
  }

  stop(): void {
    this.socket?.disconnect();
  }
}
