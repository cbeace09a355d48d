/**
 * The load generator's client processes: C clients split over ⌈C / clientsPerProcess⌉ processes
 * (each process' open-file limit caps its sockets), driven over IPC (`bench/clients/protocol.ts`).
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { now, sleep } from '../clock.js';
import type { ClientSpec, Command, InitCommand, Report, ResultReport, StatusReport } from '../clients/protocol.js';
import type { SentJob } from './publisher.js';
import { cpuSeconds } from './proc-stats.js';
import { startNodeProcess } from '../../kit/node-process.js';
import { stopChild } from '../../kit/stop-child.js';

export interface FleetStatus {
  readonly total: number;
  readonly started: number;
  readonly opened: number;
  readonly ready: number;
  readonly done: number;
  readonly failed: number;
}

interface Member {
  readonly child: ChildProcess;
  readonly specs: readonly ClientSpec[];
  status: StatusReport;
  clockOffsetMs: number;
  exited: boolean;
}

export class ClientFleet {
  private constructor(private readonly members: Member[]) {}

  /** Starts the processes and hands each its clients; resolves when all have acknowledged. */
  static async start(
    repoRoot: string,
    init: Omit<InitCommand, 'type' | 'clients'>,
    specs: readonly ClientSpec[],
    perProcess: number,
  ): Promise<ClientFleet> {
    const members: Member[] = [];
    for (let offset = 0; offset < specs.length; offset += perProcess) {
      const share = specs.slice(offset, offset + perProcess);
      const { child } = startNodeProcess(join(repoRoot, 'bench/clients/client-main.ts'), {
        cwd: repoRoot,
        env: { NODE_ENV: 'production' },
        raiseFileLimit: true,
        output: 'terminal',
        ipc: 'advanced',
      });
      const member: Member = {
        child,
        specs: share,
        status: { type: 'status', started: 0, opened: 0, ready: 0, done: 0, failed: 0 },
        clockOffsetMs: 0,
        exited: false,
      };
      child.on('message', (report: Report) => {
        if (report.type === 'status') member.status = report;
      });
      child.once('exit', () => {
        member.exited = true;
      });
      members.push(member);
    }
    const fleet = new ClientFleet(members);
    const acknowledged = members.map((member) => fleet.nextReport(member, 'status', 60_000));
    for (const member of members) member.child.send({ ...init, type: 'init', clients: member.specs } satisfies Command);
    await Promise.all(acknowledged);
    return fleet;
  }

  get processes(): number {
    return this.members.length;
  }

  status(): FleetStatus {
    const sum = (key: keyof Omit<StatusReport, 'type'>): number => this.members.reduce((n, m) => n + m.status[key], 0);
    return {
      total: this.members.reduce((n, m) => n + m.specs.length, 0),
      started: sum('started'),
      opened: sum('opened'),
      ready: sum('ready'),
      done: sum('done'),
      failed: sum('failed'),
    };
  }

  /** CPU time used so far by all client processes together, in seconds. */
  cpuSeconds(): number {
    return this.members.reduce((sum, member) => {
      try {
        return sum + (member.child.pid === undefined || member.exited ? 0 : cpuSeconds(member.child.pid));
      } catch {
        return sum;
      }
    }, 0);
  }

  /** Lets each process start its first `perProcess` clients (all of them when omitted). */
  connect(perProcess?: number): number {
    let target = 0;
    for (const member of this.members) {
      const upTo = Math.min(member.specs.length, perProcess ?? member.specs.length);
      target += upTo;
      member.child.send({ type: 'connect', upTo } satisfies Command);
    }
    return target;
  }

  /** Polls the aggregated status until `done(status)` holds or `timeoutMs` passed; answers whether it held. */
  async waitUntil(
    done: (status: FleetStatus) => boolean,
    timeoutMs: number,
    onTick?: (status: FleetStatus) => void,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.status();
      onTick?.(status);
      if (done(status)) return true;
      if (Date.now() > deadline || this.members.some((m) => m.exited)) return false;
      await sleep(100);
    }
  }

  /**
   * Estimates each process' clock offset from the coordinator's: of 15 round trips, the one with the
   * shortest round trip, offset = its reading minus the midpoint. Answers the largest |offset| (ms).
   */
  async measureClocks(): Promise<number> {
    let largest = 0;
    for (const member of this.members) {
      let best = { rtt: Infinity, offset: 0 };
      for (let i = 0; i < 15; i++) {
        const before = now();
        const answer = this.nextReport(member, 'clock', 10_000);
        member.child.send({ type: 'clock' } satisfies Command);
        const reading = (await answer) as { now: number };
        const after = now();
        if (after - before < best.rtt) best = { rtt: after - before, offset: reading.now - (before + after) / 2 };
      }
      member.clockOffsetMs = best.offset;
      largest = Math.max(largest, Math.abs(best.offset));
    }
    return largest;
  }

  /** Hands every process the send times of its jobs; merges their results. Processes exit afterwards. */
  async finish(sent: readonly SentJob[], windowStart: number, windowEnd: number): Promise<ResultReport> {
    const results = await Promise.all(
      this.members.map(async (member) => {
        const own: Record<number, SentJob> = {};
        for (const spec of member.specs) own[spec.jobIndex] = sent[spec.jobIndex] as SentJob;
        const answer = this.nextReport(member, 'result', 120_000);
        member.child.send({
          type: 'finish',
          sent: own,
          windowStart,
          windowEnd,
          clockOffsetMs: member.clockOffsetMs,
        } satisfies Command);
        return (await answer) as ResultReport;
      }),
    );
    return mergeResults(results);
  }

  /** Ends every process (they also exit by themselves when this process goes away). */
  async stop(): Promise<void> {
    await Promise.all(
      this.members.map(async (member) => {
        if (member.child.connected) member.child.disconnect();
        await stopChild(member.child, { graceMs: 10_000 });
      }),
    );
  }

  private nextReport(member: Member, type: Report['type'], timeoutMs: number): Promise<Report> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        member.child.off('message', onMessage);
        reject(new Error(`a client process did not answer "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (report: Report): void => {
        if (report.type !== type) return;
        clearTimeout(timer);
        member.child.off('message', onMessage);
        resolve(report);
      };
      member.child.on('message', onMessage);
    });
  }
}

/** One result of several processes' results. */
export function mergeResults(results: readonly ResultReport[]): ResultReport {
  const concat = (arrays: Float64Array[]): Float64Array => {
    const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) {
      out.set(a, at);
      at += a.length;
    }
    return out;
  };
  const failures: Record<string, number> = {};
  for (const result of results) {
    for (const [reason, count] of Object.entries(result.failures)) failures[reason] = (failures[reason] ?? 0) + count;
  }
  const sum = (
    key: 'delivered' | 'expected' | 'exactFrames' | 'outOfOrder' | 'failed' | 'requestsInWindow' | 'requestsTotal',
  ): number => results.reduce((n, r) => n + r[key], 0);
  return {
    type: 'result',
    latencies: concat(results.map((r) => r.latencies)),
    terminalLatencies: concat(results.map((r) => r.terminalLatencies)),
    connectMs: concat(results.map((r) => r.connectMs)),
    delivered: sum('delivered'),
    expected: sum('expected'),
    exactFrames: sum('exactFrames'),
    outOfOrder: sum('outOfOrder'),
    failed: sum('failed'),
    failures,
    requestsInWindow: sum('requestsInWindow'),
    requestsTotal: sum('requestsTotal'),
    maxBySecond: results.reduce<number[]>((worst, r) => {
      r.maxBySecond.forEach((v, i) => {
        worst[i] = Math.max(worst[i] ?? 0, v);
      });
      return worst;
    }, []),
  };
}
