/**
 * One run: one system at one size. Start its server; connect a small warm-up cohort and measure the
 * idle server; connect everyone and measure again (memory per connection is the difference, so the
 * server's start-up footprint and lazily loaded code do not count); publish for the window while
 * the clients record arrivals; wait for the terminal states; join send and receive times.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../clock.js';
import type { ClientSpec } from '../clients/protocol.js';
import type { SystemName } from '../options.js';
import { summarize } from '../report/stats.js';
import type { RunResult } from '../report/run-result.js';
import type { BenchRedis } from './bench-redis.js';
import { ClientFleet, type FleetStatus } from './client-fleet.js';
import { cpuSeconds, localTcpPorts, rssBytes } from './proc-stats.js';
import type { BenchJob, Publisher } from './publisher.js';
import { countOwnedClients } from './redis-clients.js';
import { ServerGroup } from './server-group.js';
import { hasServer, SystemServer, type BenchServer, type ServerStartOptions } from './system-server.js';
import { POLL_INTERVAL_MS } from '../../app/domain/wire-contract.js';

export interface RunContext {
  readonly repoRoot: string;
  readonly redis: BenchRedis;
  readonly publisher: Publisher;
  readonly jwtSecret: string;
  readonly outDir: string;
  readonly clientsPerProcess: number;
  readonly cpuProfile: boolean;
  readonly heapSnapshot: boolean;
  /** Extra environment for the project's server. */
  readonly thisEnv: Readonly<Record<string, string>>;
  /** Told what the run is doing, for the progress line. */
  readonly progress: (text: string) => void;
}

export interface RunPlan {
  readonly system: SystemName;
  readonly size: number;
  readonly jobs: number;
  readonly rate: number;
  readonly durationS: number;
  readonly repeat: number;
  /** `this` as this many processes behind haproxy (`--web-processes`); undefined: one, reached directly. */
  readonly webProcesses?: number;
}

const CONNECT_CONCURRENCY = 100;

export async function runSystem(ctx: RunContext, plan: RunPlan): Promise<RunResult> {
  const { system } = plan;
  const tag = `${system}${plan.webProcesses === undefined ? '' : `x${plan.webProcesses}`}-${plan.size}-r${plan.repeat}`;
  const notes: string[] = [];
  if ((system === 'this' || system === 'polling') && Object.keys(ctx.thisEnv).length > 0) notes.push(`server env ${JSON.stringify(ctx.thisEnv)}`);
  const runningStates = plan.rate * plan.durationS;

  ctx.progress('creating jobs');
  const jobs = await ctx.publisher.createJobs(plan.jobs, runningStates, `${tag}-${Date.now().toString(36)}`);
  const start: ServerStartOptions = { system, repoRoot: ctx.repoRoot, redisUrl: ctx.redis.url, jwtSecret: ctx.jwtSecret, logFile: join(ctx.outDir, 'logs', `${tag}.log`), thisEnv: ctx.thisEnv };
  const server: BenchServer | undefined = !hasServer(system) ? undefined
    : plan.webProcesses !== undefined ? await ServerGroup.start(plan.webProcesses, plan.size, start)
      : await SystemServer.start(start);
  let fleet: ClientFleet | undefined;
  try {
    const specs = clientSpecs(system, plan.size, jobs);
    fleet = await ClientFleet.start(ctx.repoRoot, {
      system, baseUrl: server?.url ?? '', redisUrl: ctx.redis.url, pollIntervalMs: POLL_INTERVAL_MS,
      connectConcurrency: CONNECT_CONCURRENCY,
    }, specs, system === 'floor' ? specs.length : ctx.clientsPerProcess);
    const clockOffsetMs = await fleet.measureClocks();
    const settled = (s: FleetStatus): boolean => s.ready + s.failed >= s.started;
    const measuresMemory = server !== undefined && system !== 'polling';

    // Warm-up cohort: the first ~1 % of each process' clients, so lazily compiled code and pools
    // exist before the baseline is taken.
    let baseline: ServerMemory | undefined;
    let warm = 0;
    if (measuresMemory && specs.length >= 20) {
      warm = fleet.connect(Math.max(5, Math.round((specs.length / fleet.processes) * 0.01)));
      await fleet.waitUntil((s) => s.started >= warm && settled(s), 60_000);
      await sleep(500);
      baseline = await attempt(notes, 'memory baseline', () => measureServer(server));
    }

    const connectStart = Date.now();
    fleet.connect();
    const connectBudgetMs = 60_000 + specs.length * 10;
    const allReady = await fleet.waitUntil((s) => s.started >= s.total && settled(s), connectBudgetMs,
      (s) => ctx.progress(`connecting ${s.ready}/${s.total} ready, ${s.failed} failed`));
    const connectAllS = (Date.now() - connectStart) / 1000;
    if (!allReady) notes.push(`not every client was ready within ${connectBudgetMs / 1000} s`);

    await sleep(1000);
    let loaded: ServerMemory | undefined;
    let redisClients: number | null = null;
    if (server) {
      if (measuresMemory) loaded = await attempt(notes, 'memory', () => measureServer(server));
      redisClients = (await attempt(notes, 'Redis clients', async () => countOwnedClients(await ctx.redis.clientList(), portsOf(server.pids)))) ?? null;
      if (ctx.heapSnapshot) await attempt(notes, 'heap snapshot', () => server.writeHeapSnapshot(join(ctx.outDir, 'profiles', `${tag}.heapsnapshot`)));
    }
    const connected = fleet.status().ready;

    ctx.progress(`publishing ${plan.rate} msg/s for ${plan.durationS} s to ${connected} clients`);
    const profiling = ctx.cpuProfile && server !== undefined;
    if (profiling) await server.startProfile();
    const cpuBefore = server ? cpuOf(server.pids) : 0;
    const proxyCpuBefore = server instanceof ServerGroup ? server.proxyCpuSeconds() : 0;
    const clientCpuBefore = fleet.cpuSeconds();
    const outcome = await ctx.publisher.publish(jobs, plan.rate);
    const cpuAfter = server ? cpuOf(server.pids) : 0;
    const proxyCpuAfter = server instanceof ServerGroup ? server.proxyCpuSeconds() : 0;
    const clientCpuAfter = fleet.cpuSeconds();
    const load1m = loadavg()[0] ?? 0;
    if (profiling) await server.stopProfile(join(ctx.outDir, 'profiles', `${tag}.cpuprofile`));
    if (outcome.errors.length > 0) notes.push(`publish errors: ${outcome.errors.slice(0, 3).join('; ')}`);

    ctx.progress('waiting for the terminal states');
    const drainMs = system === 'polling' ? 3 * POLL_INTERVAL_MS + 10_000 : 15_000;
    await fleet.waitUntil((s) => s.done + s.failed >= s.total, drainMs,
      (s) => ctx.progress(`waiting for the terminal states: ${s.done}/${s.total} done, ${s.failed} failed`));

    const result = await fleet.finish(outcome.sent, outcome.windowStart, outcome.windowEnd);
    const windowS = (outcome.windowEnd - outcome.windowStart) / 1000;
    const latency = summarize(result.latencies);
    const terminal = summarize(result.terminalLatencies);
    const connect = summarize(result.connectMs);
    const extra = Math.max(1, specs.length - warm);
    const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
    const orNull = (n: number, digits = 3): number | null => (Number.isFinite(n) ? round(n, digits) : null);
    return {
      system,
      connections: system === 'floor' ? 1 : specs.length,
      jobs: plan.jobs,
      rate: plan.rate,
      delivered: result.delivered,
      expected: result.expected,
      p50_ms: orNull(latency.p50),
      p95_ms: orNull(latency.p95),
      p99_ms: orNull(latency.p99),
      max_ms: orNull(latency.max),
      heap_per_conn_bytes: baseline && loaded ? Math.round((loaded.heapUsed - baseline.heapUsed) / extra) : null,
      rss_per_conn_bytes: baseline && loaded ? Math.round((loaded.rss - baseline.rss) / extra) : null,
      cpu_percent: server ? round(((cpuAfter - cpuBefore) / windowS) * 100, 1) : null,
      web_processes: plan.webProcesses ?? null,
      proxy_cpu_percent: server instanceof ServerGroup ? round(((proxyCpuAfter - proxyCpuBefore) / windowS) * 100, 1) : null,
      redis_clients: redisClients,
      http_requests: Math.round((result.requestsInWindow / windowS) * 60),
      size: plan.size,
      repeat: plan.repeat,
      duration_s: round(windowS, 2),
      connect_p50_ms: orNull(connect.p50, 2),
      connect_p99_ms: orNull(connect.p99, 2),
      connect_all_s: round(connectAllS, 2),
      exact_frames: result.exactFrames,
      out_of_order: result.outOfOrder,
      failed: result.failed,
      failures: result.failures,
      http_requests_total: result.requestsTotal,
      terminal_p50_ms: orNull(terminal.p50),
      terminal_p99_ms: orNull(terminal.p99),
      terminal_max_ms: orNull(terminal.max),
      max_ms_by_second: result.maxBySecond.map((v) => round(v, 1)),
      min_ms: orNull(latency.min),
      clock_offset_ms: round(clockOffsetMs, 4),
      client_processes: fleet.processes,
      client_cpu_percent: round(((clientCpuAfter - clientCpuBefore) / windowS) * 100, 1),
      load_1m: round(load1m, 2),
      publish_errors: outcome.errors.length,
      notes,
    };
  } finally {
    await fleet?.stop();
    await server?.stop();
  }
}

/**
 * A measurement that may fail without spoiling the run (a server out of file descriptors cannot
 * answer every question): the figure becomes `null` and the reason a note.
 */
async function attempt<T>(notes: string[], what: string, measure: () => Promise<T>): Promise<T | undefined> {
  try {
    return await measure();
  } catch (error) {
    notes.push(`${what} not measured: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

interface ServerMemory {
  readonly heapUsed: number;
  readonly rss: number;
}

/** Memory after a full GC: heap from the servers' own V8, RSS from /proc, summed over the processes. */
async function measureServer(server: BenchServer): Promise<ServerMemory> {
  const memory = await server.measureMemory();
  return { heapUsed: memory.heapUsed, rss: server.pids.reduce((sum, pid) => sum + rssBytes(pid), 0) };
}

function cpuOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

function portsOf(pids: readonly number[]): Set<number> {
  return new Set(pids.flatMap((pid) => [...localTcpPorts(pid)]));
}

/**
 * The clients of a run: C watchers, client i on job i mod J; for `floor`, one channel per job on a
 * single subscriber.
 */
export function clientSpecs(system: SystemName, size: number, jobs: readonly BenchJob[]): ClientSpec[] {
  const toSpec = (job: BenchJob): ClientSpec => ({ jobIndex: job.index, jobId: job.id, token: job.token });
  if (system === 'floor') return jobs.map(toSpec);
  return Array.from({ length: size }, (_, i) => toSpec(jobs[i % jobs.length] as BenchJob));
}
