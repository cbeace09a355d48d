/**
 * The publishing side of a run, "the real way": jobs are created with `JobStore.create` owned by one
 * user each, and every state goes through `JobStore.transition`, so the project's Lua script writes
 * the record and PUBLISHes the exact message atomically, as the worker does.
 *
 * The measured window is steady state: every job gets `running` states with a growing `processed`
 * count, round robin at a total rate R, while all clients stay connected. After the window every job
 * gets its terminal state (`succeeded`), also at rate R, so every watcher knows exactly what it must
 * receive and the `this` server closes its sockets. Terminal states are measured apart: ending all
 * jobs within a second or two closes every socket at once, a storm no steady state has, and it would
 * otherwise decide the window's p99.
 * The time of each state is taken with the benchmark's high-resolution clock just before the store
 * call, keyed by (job, seq); the message's own `at` has only millisecond precision.
 */
import type { Redis } from 'ioredis';
import { signToken } from '../../app/auth/tokens.js';
import { seqOf } from '../../app/domain/progress-message.js';
import { JobStore } from '../../app/store/job-store.js';
import { now, sleep } from '../clock.js';
import { createJobFromText } from '../../kit/job-fixtures.js';

export interface BenchJob {
  readonly index: number;
  readonly id: string;
  readonly userId: string;
  readonly token: string;
  /** States this job will be given: `running` ones in the window, then one terminal state. */
  readonly states: number;
}

/** Send times of one job's states: `sendTimes[k]` belongs to `seq = firstSeq + k`. */
export interface SentJob {
  readonly firstSeq: number;
  readonly sendTimes: Float64Array;
}

export interface PublishOutcome {
  readonly sent: SentJob[];
  /** The steady-state window (running states only). */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** When the last terminal state was sent. */
  readonly terminalEnd: number;
  /** Store calls that failed or answered an unexpected `seq` (each one makes the run invalid). */
  readonly errors: string[];
}

/** How many of `total` running states job `index` of `jobs` gets under round robin. */
export function statesOfJob(index: number, jobs: number, total: number): number {
  return Math.floor(total / jobs) + (index < total % jobs ? 1 : 0);
}

/** The seq `JobStore.create` gives a new job; the window's states follow it. */
const CREATED_SEQ = 1;

export class Publisher {
  private readonly store: JobStore;

  constructor(
    redis: Redis,
    private readonly jwtSecret: string,
    prefix = 'pl',
  ) {
    this.store = new JobStore(redis, { prefix });
  }

  /**
   * Creates `count` jobs for `runningStates` running states in all, plus one terminal state each,
   * each job owned by its own user, with a token for that user.
   */
  async createJobs(count: number, runningStates: number, runTag: string): Promise<BenchJob[]> {
    const jobs: BenchJob[] = [];
    for (let start = 0; start < count; start += 100) {
      const batch = Array.from({ length: Math.min(100, count - start) }, async (_, k) => {
        const index = start + k;
        const userId = `bench-${runTag}-${index}`;
        const states = statesOfJob(index, count, runningStates) + 1;
        const [record, token] = await Promise.all([
          createJobFromText(this.store, { userId, filename: 'bench.csv', inputCsv: 'name\nbench\n', total: states }),
          signToken(this.jwtSecret, userId, 3600),
        ]);
        return { index, id: record.id, userId, token, states };
      });
      jobs.push(...(await Promise.all(batch)));
    }
    return jobs;
  }

  /**
   * Publishes the running states round robin at `rate` per second (the window), then every job's
   * terminal state at the same rate; resolves once the store answered every call.
   */
  async publish(jobs: readonly BenchJob[], rate: number): Promise<PublishOutcome> {
    const sent = jobs.map((job) => ({ firstSeq: CREATED_SEQ + 1, sendTimes: new Float64Array(job.states) }));
    const errors: string[] = [];
    const pending: Promise<void>[] = [];
    const publishOne = (jobIndex: number, k: number): void => {
      const job = jobs[jobIndex] as BenchJob;
      const expectedSeq = CREATED_SEQ + 1 + k;
      (sent[jobIndex] as SentJob).sendTimes[k] = now();
      pending.push(
        this.store
          .transition(job.id, {
            status: k === job.states - 1 ? 'succeeded' : 'running',
            processed: k + 1,
            total: job.states,
          })
          .then(
            (text) => {
              if (text === undefined || seqOf(text) !== expectedSeq)
                errors.push(`job ${job.index}: expected seq ${expectedSeq}, store answered ${text ?? 'nothing'}`);
            },
            (error: Error) => {
              errors.push(`job ${job.index}: ${error.message}`);
            },
          ),
      );
    };
    const windowStart = now();
    await paced(roundRobin(jobs.map((job) => ({ states: job.states - 1 }))), rate, ([jobIndex, k]) =>
      publishOne(jobIndex, k),
    );
    const windowEnd = now();
    await paced(
      jobs.map((job) => job.index),
      rate,
      (jobIndex) => publishOne(jobIndex, (jobs[jobIndex] as BenchJob).states - 1),
    );
    const terminalEnd = now();
    await Promise.all(pending);
    return { sent, windowStart, windowEnd, terminalEnd, errors };
  }
}

/**
 * Calls `act` for every item at `rate` per second, on schedule from now: each pass sends what is due
 * (timers fire late on a busy machine, and then a pass catches up) and sleeps a millisecond.
 */
async function paced<T>(items: readonly T[], rate: number, act: (item: T) => void): Promise<void> {
  const start = now();
  let next = 0;
  while (next < items.length) {
    const due = Math.min(items.length, Math.floor(((now() - start) * rate) / 1000) + 1);
    while (next < due) act(items[next++] as T);
    if (next < items.length) await sleep(1);
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
