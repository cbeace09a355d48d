/**
 * The test's side of the page-client process (watch-fleet-main.ts): it starts it with the open-file
 * limit raised to the hard one (thousands of sockets), hands it the clients, follows its status and
 * collects what every client saw.
 */
import type { ChildProcess } from 'node:child_process';
import { startNodeProcess } from '../../../kit/node-process.js';
import type { ClientOutcome, FleetClient, FleetCommand, FleetReport } from './watch-fleet-protocol.js';

type Status = Extract<FleetReport, { type: 'status' }>;

export class WatchFleet {
  private latest: Status = { type: 'status', total: 0, connected: 0, live: 0, settled: 0 };
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (report: FleetReport) => {
      if (report.type === 'status') this.latest = report;
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts the process and its clients, `connectPerTick` every `tickMs`. */
  static start(clients: readonly FleetClient[], pacing = { connectPerTick: 100, tickMs: 50 }): WatchFleet {
    const { child } = startNodeProcess('test/e2e/support/watch-fleet-main.ts', {
      raiseFileLimit: true,
      output: 'terminal',
      ipc: 'json',
    });
    const fleet = new WatchFleet(child);
    child.send({ type: 'start', clients, ...pacing } satisfies FleetCommand);
    return fleet;
  }

  get status(): Status {
    return this.latest;
  }

  /** Polls the status every 100 ms until `done` holds; false after `timeoutMs`. */
  async waitUntil(done: (status: Status) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.latest)) {
      if (Date.now() > deadline || this.child.exitCode !== null) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return true;
  }

  /** Stops every watcher and answers what each saw; the process exits. */
  async outcomes(): Promise<ClientOutcome[]> {
    const answer = new Promise<ClientOutcome[]>((resolve) => {
      this.child.on('message', (report: FleetReport) => {
        if (report.type === 'outcomes') resolve(report.outcomes);
      });
    });
    this.child.send({ type: 'report' } satisfies FleetCommand);
    const outcomes = await answer;
    this.child.disconnect();
    await this.exited;
    return outcomes;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
