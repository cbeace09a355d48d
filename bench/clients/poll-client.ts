/**
 * A poller of `GET /jobs/{id}/progress` every `intervalMs` (the contract's 2 s), as the page does
 * when WebSocket is off: the next poll is scheduled when the previous answer arrived. It has its own
 * keep-alive connection, like one browser. A state counts as received when an answer first shows it.
 *
 * The first poll goes out at once (its connection is the "handshake" the process limits, as for
 * WebSocket clients); the second waits `phaseMs`, so C pollers end up spread evenly over an interval.
 * Starting them all within one interval instead overflowed the server's listen backlog at
 * C = 10,000 (dropped handshakes, then resets), which no page load pattern would do.
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
  /** Delay between the first and the second poll: this poller's phase within the interval. */
  readonly phaseMs: number;
}

export class PollClient extends BenchClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private timer: NodeJS.Timeout | undefined;
  private lastSeq = -1;
  private answers = 0;
  private stopped = false;

  constructor(
    events: ClientEvents,
    private readonly options: PollClientOptions,
  ) {
    super(events);
  }

  protected open(): void {
    this.poll();
  }

  private poll(): void {
    if (this.stopped) return;
    this.requestTimes.push(now());
    const req = request(
      `${this.options.baseUrl}/jobs/${this.options.jobId}/progress`,
      {
        agent: this.agent,
        headers: { authorization: `Bearer ${this.options.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => this.answer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
        res.on('error', (error: Error) => this.markFailed(`response ${error.message}`));
      },
    );
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
    const delay = this.answers++ === 0 ? this.options.phaseMs : this.options.intervalMs;
    if (!this.stopped) this.timer = setTimeout(() => this.poll(), delay);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.agent.destroy();
  }
}
