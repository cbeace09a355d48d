/**
 * The two profiles: `quick` runs inside `npm test` on a 2-core CI machine in a few minutes; `full` is
 * `npm run chaos` (more rounds, more fast-check runs, the 5,000-client load). Every class reads its
 * sizes from here and nowhere else.
 */

import { defaultSizing } from '../infra/k8s/sizing.js';

export interface Profile {
  readonly name: 'quick' | 'full';
  /** fast-check seed; printed with every failure so a run can be repeated (CHAOS_SEED). */
  readonly seed: number;
  /** Times each fault is injected. */
  readonly faultRounds: number;
  /** Jobs running while a fault is injected. */
  readonly jobsPerRound: number;
  readonly rowsPerJob: number;
  /** Worker ROW_DELAY_MS: long enough to inject a fault mid-job. */
  readonly rowDelayMs: number;
  /** Clients watching during a fault. */
  readonly watchers: number;
  /** Runs of each fast-check property. */
  readonly propertyRuns: number;
  /**
   * The capacity class: Redis's `maxmemory` (the full profile uses the manifests' own) and a
   * JOB_RETENTION_SECONDS longer than filling the store takes and short enough to wait out.
   */
  readonly capacity: { readonly maxMemoryMiB: number; readonly retentionSeconds: number };
  /** The bounded loopback load. */
  readonly load: {
    readonly jobs: number;
    readonly websocketClients: number;
    readonly pollingClients: number;
    readonly rowsPerJob: number;
    /** The whole load phase must end within this. */
    readonly budgetMs: number;
  };
}

export function seedFrom(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.CHAOS_SEED;
  return raw && /^-?\d+$/.test(raw) ? Number(raw) : Math.floor(Math.random() * 2 ** 31);
}

export function quickProfile(seed: number): Profile {
  return {
    name: 'quick',
    seed,
    faultRounds: 1,
    jobsPerRound: 3,
    rowsPerJob: 60,
    rowDelayMs: 40,
    watchers: 50,
    propertyRuns: 40,
    capacity: { maxMemoryMiB: 64, retentionSeconds: 60 },
    load: { jobs: 20, websocketClients: 200, pollingClients: 20, rowsPerJob: 20, budgetMs: 60_000 },
  };
}

export function fullProfile(seed: number): Profile {
  return {
    name: 'full',
    seed,
    faultRounds: 3,
    jobsPerRound: 8,
    rowsPerJob: 80,
    rowDelayMs: 40,
    watchers: 50,
    propertyRuns: 300,
    capacity: { maxMemoryMiB: defaultSizing.redisMaxMemoryMiB, retentionSeconds: 150 },
    load: { jobs: 500, websocketClients: 5_000, pollingClients: 200, rowsPerJob: 40, budgetMs: 60_000 },
  };
}
