/**
 * A load-generator process: opens its share of the clients when told, counts their life cycle,
 * reports status every 200 ms, and at the end joins the publisher's send times with what arrived.
 * Started by `client-fleet.ts` with an IPC channel; it exits when the coordinator disconnects.
 */
import { now } from '../clock.js';
import { coverStates } from '../report/coverage.js';
import { BenchClient, type ClientEvents } from './bench-client.js';
import { FloorSubscriber } from './floor-subscriber.js';
import { PollClient } from './poll-client.js';
import { SocketIoClient } from './socketio-client.js';
import { WsClient } from './ws-client.js';
import type {
  ClientSpec,
  Command,
  FinishCommand,
  InitCommand,
  Report,
  ResultReport,
  StatusReport,
} from './protocol.js';

const send = (report: Report): void => {
  process.send?.(report);
};

class ClientProcess implements ClientEvents {
  private readonly clients: BenchClient[] = [];
  private readonly failures = new Map<string, number>();
  private floor: FloorSubscriber | undefined;
  private started = 0;
  private target = 0;
  private inFlight = 0;
  private counts = { opened: 0, ready: 0, done: 0, failed: 0 };
  private lastStatus = '';
  private readonly released = new WeakSet<BenchClient>();

  constructor(private readonly init: InitCommand) {
    if (init.system === 'floor') this.floor = new FloorSubscriber(init.redisUrl);
    init.clients.forEach((spec, i) => this.clients.push(this.makeClient(spec, i)));
    setInterval(() => this.reportStatus(false), 200).unref();
  }

  private makeClient(spec: ClientSpec, i: number): BenchClient {
    const { system, baseUrl } = this.init;
    const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/ws/jobs/${spec.jobId}?token=${encodeURIComponent(spec.token)}`;
    switch (system) {
      case 'this':
      case 'ws-relay':
      case 'ws-naive':
        return new WsClient(this, { url: wsUrl, serverCloses: system === 'this' });
      case 'socketio':
        return new SocketIoClient(this, { baseUrl, jobId: spec.jobId, token: spec.token });
      case 'polling': {
        // Spread the pollers' phases evenly over one interval, as independent browsers would be.
        const phaseMs = (((i * 7919) % this.init.clients.length) / this.init.clients.length) * this.init.pollIntervalMs;
        return new PollClient(this, {
          baseUrl,
          jobId: spec.jobId,
          token: spec.token,
          intervalMs: this.init.pollIntervalMs,
          phaseMs,
        });
      }
      case 'floor':
        return (this.floor as FloorSubscriber).channelClient(this, spec.jobId);
    }
  }

  connect(upTo: number): void {
    this.target = Math.min(upTo, this.clients.length);
    this.pump();
  }

  /** Starts clients while fewer than `connectConcurrency` handshakes are in flight. */
  private pump(): void {
    while (this.started < this.target && this.inFlight < this.init.connectConcurrency) {
      const client = this.clients[this.started++] as BenchClient;
      this.inFlight++;
      client.start();
    }
  }

  /** Frees the client's handshake slot once: when it became ready or failed, whichever came first. */
  private release(client: BenchClient): void {
    if (this.released.has(client)) return;
    this.released.add(client);
    this.inFlight--;
    this.pump();
  }

  opened(): void {
    this.counts.opened++;
  }

  ready(client: BenchClient): void {
    this.counts.ready++;
    this.release(client);
  }

  done(): void {
    this.counts.done++;
  }

  failed(client: BenchClient, reason: string): void {
    this.counts.failed++;
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
    this.release(client);
  }

  reportStatus(force: boolean): void {
    const status: StatusReport = { type: 'status', started: this.started, ...this.counts };
    const key = JSON.stringify(status);
    if (!force && key === this.lastStatus) return;
    this.lastStatus = key;
    send(status);
  }

  finish(command: FinishCommand): ResultReport {
    const latencies: number[] = [];
    const terminalLatencies: number[] = [];
    const connectMs: number[] = [];
    let delivered = 0;
    let expected = 0;
    let exactFrames = 0;
    let outOfOrder = 0;
    let requestsInWindow = 0;
    let requestsTotal = 0;
    const timeline = { start: command.windowStart, bucketMs: 1000, max: [] as number[] };
    this.init.clients.forEach((spec, i) => {
      const client = this.clients[i] as BenchClient;
      const sent = command.sent[spec.jobIndex];
      if (!sent) throw new Error(`no send times for job ${spec.jobIndex}`);
      const coverage = coverStates(client, sent, {
        latencies,
        terminalLatencies,
        clockOffsetMs: command.clockOffsetMs,
        timeline,
      });
      delivered += coverage.delivered;
      expected += coverage.expected;
      exactFrames += coverage.exactFrames;
      outOfOrder += coverage.outOfOrder;
      if (client.openedAt > 0) connectMs.push(client.openedAt - client.startedAt);
      requestsTotal += client.requestTimes.length;
      for (const t of client.requestTimes) {
        const aligned = t - command.clockOffsetMs;
        if (aligned >= command.windowStart && aligned < command.windowEnd) requestsInWindow++;
      }
    });
    return {
      type: 'result',
      latencies: Float64Array.from(latencies),
      terminalLatencies: Float64Array.from(terminalLatencies),
      delivered,
      expected,
      exactFrames,
      outOfOrder,
      connectMs: Float64Array.from(connectMs),
      failed: this.counts.failed,
      failures: Object.fromEntries(this.failures),
      requestsInWindow,
      requestsTotal,
      maxBySecond: Array.from(timeline.max, (v) => v ?? 0),
    };
  }

  stop(): void {
    for (const client of this.clients) client.stop();
    this.floor?.close();
  }
}

let clientProcess: ClientProcess | undefined;

process.on('message', (command: Command) => {
  switch (command.type) {
    case 'init':
      clientProcess = new ClientProcess(command);
      clientProcess.reportStatus(true);
      break;
    case 'connect':
      clientProcess?.connect(command.upTo);
      break;
    case 'clock':
      send({ type: 'clock', now: now() });
      break;
    case 'finish': {
      if (!clientProcess) break;
      const result = clientProcess.finish(command);
      clientProcess.stop();
      send(result);
      break;
    }
  }
});

// The coordinator owns this process: when it goes away (or ends the run), so does this process.
process.on('disconnect', () => process.exit(0));
