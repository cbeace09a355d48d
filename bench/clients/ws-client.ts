/**
 * A WebSocket watcher of `/ws/jobs/{id}` (the project's endpoint and the ws reference servers).
 * The first frame makes it ready: the snapshot from `this`, a subscription notice from the
 * references. On the terminal state it closes itself, unless the server is the one that must close
 * (`this`, contract: close 1000 after the terminal state), which it then waits for and checks.
 */
import { WebSocket } from 'ws';
import { now } from '../clock.js';
import { seqOf } from '../../app/domain/progress-message.js';
import { BenchClient, isTerminalText, type ClientEvents } from './bench-client.js';
import { CLOSE_NORMAL } from '../../app/domain/wire-contract.js';

export interface WsClientOptions {
  readonly url: string;
  /** `this` closes with 1000 after the terminal state; the references leave closing to the client. */
  readonly serverCloses: boolean;
}

export class WsClient extends BenchClient {
  private socket: WebSocket | undefined;
  private sawTerminal = false;

  constructor(
    events: ClientEvents,
    private readonly options: WsClientOptions,
  ) {
    super(events);
  }

  protected open(): void {
    this.requestTimes.push(now());
    const socket = new WebSocket(this.options.url, { perMessageDeflate: false });
    this.socket = socket;
    socket.on('open', () => this.markOpen());
    socket.on('message', (data: Buffer) => {
      const at = now();
      const text = data.toString('utf8');
      this.markReady();
      this.record(seqOf(text), at);
      if (!isTerminalText(text)) return;
      this.sawTerminal = true;
      if (!this.options.serverCloses) {
        this.markDone();
        socket.close(CLOSE_NORMAL);
      }
    });
    socket.on('close', (code: number) => {
      if (this.sawTerminal && (code === CLOSE_NORMAL || !this.options.serverCloses)) this.markDone();
      else if (this.sawTerminal) this.markFailed(`close ${code} after the terminal state`);
      else this.markFailed(`close ${code}`);
    });
    socket.on('error', (error: Error) => {
      const reason = error.message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'HOST');
      this.markFailed(`error ${reason}`);
    });
  }

  stop(): void {
    this.socket?.terminate();
  }
}
