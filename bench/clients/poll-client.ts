/**
 * A poller of `GET /jobs/{id}/progress` every `intervalMs` (the contract's 2 s), as the page does
 * when WebSocket is off: the next poll is scheduled when the previous answer arrived. It has its own
 * keep-alive connection, like one browser. A state counts as received when an answer first shows it.
 */
import { Agent, request } from 'node:http';
import { now } from '../clock.js';
import { seqOf } from '../../app/domain/progress-message.js';
import { BenchClient, isTerminalText, type ClientEvents } from './bench-client.js';

export interface PollClientOptions {
  readonly baseUrl: string;
  readonly jobId: string;
  readonly token: string;
  readonly intervalMs: number;
  /** Delay of the first poll, so C pollers spread over one interval instead of arriving at once. */
  readonly firstDelayMs: number;
}

export class PollClient extends BenchClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private timer: NodeJS.Timeout | undefined;
  private lastSeq = -1;
  private stopped = false;

  constructor(events: ClientEvents, private readonly options: PollClientOptions) {
    super(events);
  }

  protected open(): void {
    this.timer = setTimeout(() => this.poll(), this.options.firstDelayMs);
  }

  private poll(): void {
    if (this.stopped) return;
    this.requestTimes.push(now());
    const req = request(`${this.options.baseUrl}/jobs/${this.options.jobId}/progress`, {
      agent: this.agent,
      headers: { authorization: `Bearer ${this.options.token}` },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => this.answer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      res.on('error', (error: Error) => this.markFailed(`response ${error.message}`));
    });
    req.on('error', (error: Error) => this.markFailed(`request ${error.message}`));
    req.end();
  }

  private answer(status: number, text: string): void {
    const at = now();
    if (status !== 200) {
      this.markFailed(`HTTP ${status}`);
      return;
    }
    this.markReady();
    const seq = seqOf(text);
    if (seq > this.lastSeq) {
      this.lastSeq = seq;
      this.record(seq, at);
    }
    if (isTerminalText(text)) {
      this.markDone();
      this.stop();
      return;
    }
    if (!this.stopped) this.timer = setTimeout(() => this.poll(), this.options.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.agent.destroy();
  }
}
