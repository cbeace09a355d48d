/**
 * The publishing side of a run, "the real way": jobs are created with `JobStore.create` owned by one
 * user each, and every state goes through `JobStore.transition`, so the project's Lua script writes
 * the record and PUBLISHes the exact message atomically, as the worker does.
 *
 * Each job gets `n` states at a total rate R, round robin: `running` with a growing `processed`
 * count, and as its last state `succeeded`. The terminal states therefore arrive at the same rate as
 * the rest (no burst at the end) and every watcher knows exactly what it must receive.
 * The time of each state is taken with the benchmark's high-resolution clock just before the store
 * call, keyed by (job, seq); the message's own `at` has only millisecond precision.
 */
import type { Redis } from 'ioredis';
import { signToken } from '../../app/auth/tokens.js';
import { seqOf } from '../../app/domain/progress-message.js';
import { JobStore } from '../../app/store/job-store.js';
import { now, sleep } from '../clock.js';

export interface BenchJob {
  readonly index: number;
  readonly id: string;
  readonly userId: string;
  readonly token: string;
  /** States this job will be given in the window (the last one terminal). */
  readonly states: number;
}

/** Send times of one job's states: `sendTimes[k]` belongs to `seq = firstSeq + k`. */
export interface SentJob {
  readonly firstSeq: number;
  readonly sendTimes: Float64Array;
}

export interface PublishOutcome {
  readonly sent: SentJob[];
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Store calls that failed or answered an unexpected `seq` (each one makes the run invalid). */
  readonly errors: string[];
}

/** How many of `total` states job `index` of `jobs` gets under round robin. */
export function statesOfJob(index: number, jobs: number, total: number): number {
  return Math.floor(total / jobs) + (index < total % jobs ? 1 : 0);
}

/** The seq `JobStore.create` gives a new job; the window's states follow it. */
const CREATED_SEQ = 1;

export class Publisher {
  private readonly store: JobStore;

  constructor(redis: Redis, private readonly jwtSecret: string, prefix = 'pl') {
    this.store = new JobStore(redis, { prefix });
  }

  /**
   * Creates `count` jobs for `totalStates` states in all (at least one each), each owned by its own
   * user, with a token for that user.
   */
  async createJobs(count: number, totalStates: number, runTag: string): Promise<BenchJob[]> {
    const jobs: BenchJob[] = [];
    for (let start = 0; start < count; start += 100) {
      const batch = Array.from({ length: Math.min(100, count - start) }, async (_, k) => {
        const index = start + k;
        const userId = `bench-${runTag}-${index}`;
        const states = statesOfJob(index, count, totalStates);
        const [record, token] = await Promise.all([
          this.store.create({ userId, filename: 'bench.csv', inputCsv: 'name\nbench\n', total: states }),
          signToken(this.jwtSecret, userId, 3600),
        ]);
        return { index, id: record.id, userId, token, states };
      });
      jobs.push(...(await Promise.all(batch)));
    }
    return jobs;
  }

  /** Publishes every job's states round robin at `rate` per second; resolves once all were answered. */
  async publish(jobs: readonly BenchJob[], rate: number): Promise<PublishOutcome> {
    const sent = jobs.map((job) => ({ firstSeq: CREATED_SEQ + 1, sendTimes: new Float64Array(job.states) }));
    const order = roundRobin(jobs);
    const errors: string[] = [];
    const pending: Promise<void>[] = [];
    const windowStart = now();
    let next = 0;
    while (next < order.length) {
      const due = Math.min(order.length, Math.floor(((now() - windowStart) * rate) / 1000) + 1);
      while (next < due) {
        const [jobIndex, k] = order[next++] as [number, number];
        const job = jobs[jobIndex] as BenchJob;
        const last = k === job.states - 1;
        const expectedSeq = CREATED_SEQ + 1 + k;
        (sent[jobIndex] as SentJob).sendTimes[k] = now();
        pending.push(this.store.transition(job.id, {
          status: last ? 'succeeded' : 'running',
          processed: k + 1,
          total: job.states,
        }).then(
          (text) => {
            if (text === undefined || seqOf(text) !== expectedSeq) errors.push(`job ${job.index}: expected seq ${expectedSeq}, store answered ${text ?? 'nothing'}`);
          },
          (error: Error) => { errors.push(`job ${job.index}: ${error.message}`); },
        ));
      }
      if (next < order.length) await sleep(1);
    }
    const windowEnd = now();
    await Promise.all(pending);
    return { sent, windowStart, windowEnd, errors };
  }
}

/** (job index, state number) pairs in publishing order: one state per job per round. */
export function roundRobin(jobs: readonly { readonly states: number }[]): Array<[number, number]> {
  const order: Array<[number, number]> = [];
  const rounds = Math.max(0, ...jobs.map((job) => job.states));
  for (let k = 0; k < rounds; k++) {
    jobs.forEach((job, index) => {
      if (k < job.states) order.push([index, k]);
    });
  }
  return order;
}
