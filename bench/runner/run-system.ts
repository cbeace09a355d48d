/**
 * One run: one system at one size. Start its server; connect a small warm-up cohort and measure the
 * idle server; connect everyone and measure again (memory per connection is the difference, so the
 * server's start-up footprint and lazily loaded code do not count); publish for the window while
 * the clients record arrivals; wait for the terminal states; join send and receive times.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../clock.js';
import type { ClientSpec, ResultReport } from '../clients/protocol.js';
import type { SystemName } from '../options.js';
import { summarize } from '../report/stats.js';
import type { RunResult } from '../report/run-result.js';
import type { BenchRedis } from './bench-redis.js';
import { ClientFleet, type FleetStatus } from './client-fleet.js';
import { cpuSeconds, localTcpPorts, rssBytes } from './proc-stats.js';
import type { BenchJob, PublishOutcome, Publisher } from './publisher.js';
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

/** What the steps of one run share. */
interface Run {
  readonly ctx: RunContext;
  readonly plan: RunPlan;
  /** Names the run's log and profile files. */
  readonly tag: string;
  readonly server: BenchServer | undefined;
  readonly fleet: ClientFleet;
  readonly specs: readonly ClientSpec[];
  /** Whether the run measures the server's memory per connection (`polling` keeps no connections). */
  readonly measuresMemory: boolean;
  /** Why a figure is missing or what was unusual, for the report. */
  readonly notes: string[];
}

export async function runSystem(ctx: RunContext, plan: RunPlan): Promise<RunResult> {
  const tag = `${plan.system}${plan.webProcesses === undefined ? '' : `x${plan.webProcesses}`}-${plan.size}-r${plan.repeat}`;
  const notes: string[] = [];
  if ((plan.system === 'this' || plan.system === 'polling') && Object.keys(ctx.thisEnv).length > 0)
    notes.push(`server env ${JSON.stringify(ctx.thisEnv)}`);
  ctx.progress('creating jobs');
  const jobs = await ctx.publisher.createJobs(
    plan.jobs,
    plan.rate * plan.durationS,
    `${tag}-${Date.now().toString(36)}`,
  );
  const server = await startServer(ctx, plan, tag);
  let fleet: ClientFleet | undefined;
  try {
    const specs = clientSpecs(plan.system, plan.size, jobs);
    fleet = await startFleet(ctx, plan.system, server, specs);
    const run: Run = {
      ctx,
      plan,
      tag,
      server,
      fleet,
      specs,
      notes,
      measuresMemory: server !== undefined && plan.system !== 'polling',
    };
    const clockOffsetMs = await fleet.measureClocks();
    const warmUp = await connectWarmUpCohort(run);
    const connectAllS = await connectEveryone(run);
    const connected = await measureConnected(run);
    const window = await publishWindow(run, jobs);
    await waitForTerminalStates(run);
    const result = await fleet.finish(window.outcome.sent, window.outcome.windowStart, window.outcome.windowEnd);
    return toRunResult(run, { result, window, warmUp, connected, connectAllS, clockOffsetMs });
  } finally {
    await fleet?.stop();
    await server?.stop();
  }
}

/** The system's server (one process, or `--web-processes` behind haproxy); none for `floor`. */
async function startServer(ctx: RunContext, plan: RunPlan, tag: string): Promise<BenchServer | undefined> {
  if (!hasServer(plan.system)) return undefined;
  const start: ServerStartOptions = {
    system: plan.system,
    repoRoot: ctx.repoRoot,
    redisUrl: ctx.redis.url,
    jwtSecret: ctx.jwtSecret,
    logFile: join(ctx.outDir, 'logs', `${tag}.log`),
    thisEnv: ctx.thisEnv,
  };
  return plan.webProcesses !== undefined
    ? ServerGroup.start(plan.webProcesses, plan.size, start)
    : SystemServer.start(start);
}

/** The client processes, every client handed out but none connected yet. */
function startFleet(
  ctx: RunContext,
  system: SystemName,
  server: BenchServer | undefined,
  specs: ClientSpec[],
): Promise<ClientFleet> {
  return ClientFleet.start(
    ctx.repoRoot,
    {
      system,
      baseUrl: server?.url ?? '',
      redisUrl: ctx.redis.url,
      pollIntervalMs: POLL_INTERVAL_MS,
      connectConcurrency: CONNECT_CONCURRENCY,
    },
    specs,
    system === 'floor' ? specs.length : ctx.clientsPerProcess,
  );
}

const settled = (s: FleetStatus): boolean => s.ready + s.failed >= s.started;

interface WarmUp {
  /** The server's memory with only the warm-up cohort connected; undefined when not measured. */
  readonly baseline: ServerMemory | undefined;
  /** Clients in the cohort. */
  readonly warm: number;
}

/**
 * The first ~1 % of each process' clients, so lazily compiled code and pools exist before the
 * baseline is taken.
 */
async function connectWarmUpCohort(run: Run): Promise<WarmUp> {
  const { fleet, server } = run;
  if (!run.measuresMemory || server === undefined || run.specs.length < 20) return { baseline: undefined, warm: 0 };
  const warm = fleet.connect(Math.max(5, Math.round((run.specs.length / fleet.processes) * 0.01)));
  await fleet.waitUntil((s) => s.started >= warm && settled(s), 60_000);
  await sleep(500);
  return { baseline: await attempt(run.notes, 'memory baseline', () => measureServer(server)), warm };
}

/** Connects every client; returns how long that took, in seconds. */
async function connectEveryone(run: Run): Promise<number> {
  const connectStart = Date.now();
  run.fleet.connect();
  const connectBudgetMs = 60_000 + run.specs.length * 10;
  const allReady = await run.fleet.waitUntil(
    (s) => s.started >= s.total && settled(s),
    connectBudgetMs,
    (s) => run.ctx.progress(`connecting ${s.ready}/${s.total} ready, ${s.failed} failed`),
  );
  if (!allReady) run.notes.push(`not every client was ready within ${connectBudgetMs / 1000} s`);
  return (Date.now() - connectStart) / 1000;
}

interface Connected {
  /** The server's memory with every client connected and idle. */
  readonly loaded: ServerMemory | undefined;
  /** Redis connections the server's processes hold. */
  readonly redisClients: number | null;
}

/** With everyone connected and idle: the server's memory, its Redis connections, a heap snapshot if asked. */
async function measureConnected(run: Run): Promise<Connected> {
  const { ctx, server, notes } = run;
  await sleep(1000);
  if (!server) return { loaded: undefined, redisClients: null };
  const loaded = run.measuresMemory ? await attempt(notes, 'memory', () => measureServer(server)) : undefined;
  const redisClients =
    (await attempt(notes, 'Redis clients', async () =>
      countOwnedClients(await ctx.redis.clientList(), portsOf(server.pids)),
    )) ?? null;
  if (ctx.heapSnapshot)
    await attempt(notes, 'heap snapshot', () =>
      server.writeHeapSnapshot(join(ctx.outDir, 'profiles', `${run.tag}.heapsnapshot`)),
    );
  return { loaded, redisClients };
}

interface PublishWindow {
  readonly outcome: PublishOutcome;
  /** CPU seconds used during the window by the server's processes, haproxy and the clients. */
  readonly serverCpuS: number;
  readonly proxyCpuS: number;
  readonly clientCpuS: number;
  /** The machine's 1-minute load average at the end of the window. */
  readonly load1m: number;
}

/** Publishes for the measured window, counting the CPU each side used (and profiling the server, if asked). */
async function publishWindow(run: Run, jobs: readonly BenchJob[]): Promise<PublishWindow> {
  const { ctx, plan, server, fleet } = run;
  ctx.progress(`publishing ${plan.rate} msg/s for ${plan.durationS} s to ${fleet.status().ready} clients`);
  const profiling = ctx.cpuProfile && server !== undefined;
  if (profiling) await server.startProfile();
  const serverCpu = (): number => (server ? cpuOf(server.pids) : 0);
  const proxyCpu = (): number => (server instanceof ServerGroup ? server.proxyCpuSeconds() : 0);
  const before = { server: serverCpu(), proxy: proxyCpu(), clients: fleet.cpuSeconds() };
  const outcome = await ctx.publisher.publish(jobs, plan.rate);
  const window: PublishWindow = {
    outcome,
    serverCpuS: serverCpu() - before.server,
    proxyCpuS: proxyCpu() - before.proxy,
    clientCpuS: fleet.cpuSeconds() - before.clients,
    load1m: loadavg()[0] ?? 0,
  };
  if (profiling) await server.stopProfile(join(ctx.outDir, 'profiles', `${run.tag}.cpuprofile`));
  if (outcome.errors.length > 0) run.notes.push(`publish errors: ${outcome.errors.slice(0, 3).join('; ')}`);
  return window;
}

/** Waits until every client saw its job's terminal state (or failed), at most a few poll intervals. */
async function waitForTerminalStates(run: Run): Promise<void> {
  run.ctx.progress('waiting for the terminal states');
  const drainMs = run.plan.system === 'polling' ? 3 * POLL_INTERVAL_MS + 10_000 : 15_000;
  await run.fleet.waitUntil(
    (s) => s.done + s.failed >= s.total,
    drainMs,
    (s) => run.ctx.progress(`waiting for the terminal states: ${s.done}/${s.total} done, ${s.failed} failed`),
  );
}

interface RunFigures {
  readonly result: ResultReport;
  readonly window: PublishWindow;
  readonly warmUp: WarmUp;
  readonly connected: Connected;
  readonly connectAllS: number;
  readonly clockOffsetMs: number;
}

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
const orNull = (n: number, digits = 3): number | null => (Number.isFinite(n) ? round(n, digits) : null);

/** The report's record of one run, from what the steps measured. */
function toRunResult(run: Run, figures: RunFigures): RunResult {
  const { plan, server, fleet, specs, notes } = run;
  const {
    result,
    window,
    warmUp: { baseline, warm },
    connected: { loaded, redisClients },
  } = figures;
  const { outcome } = window;
  const windowS = (outcome.windowEnd - outcome.windowStart) / 1000;
  const latency = summarize(result.latencies);
  const terminal = summarize(result.terminalLatencies);
  const connect = summarize(result.connectMs);
  const extra = Math.max(1, specs.length - warm);
  const percentOfWindow = (cpuS: number): number => round((cpuS / windowS) * 100, 1);
  return {
    system: plan.system,
    connections: plan.system === 'floor' ? 1 : specs.length,
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
    cpu_percent: server ? percentOfWindow(window.serverCpuS) : null,
    web_processes: plan.webProcesses ?? null,
    proxy_cpu_percent: server instanceof ServerGroup ? percentOfWindow(window.proxyCpuS) : null,
    redis_clients: redisClients,
    http_requests: Math.round((result.requestsInWindow / windowS) * 60),
    size: plan.size,
    repeat: plan.repeat,
    duration_s: round(windowS, 2),
    connect_p50_ms: orNull(connect.p50, 2),
    connect_p99_ms: orNull(connect.p99, 2),
    connect_all_s: round(figures.connectAllS, 2),
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
    clock_offset_ms: round(figures.clockOffsetMs, 4),
    client_processes: fleet.processes,
    client_cpu_percent: percentOfWindow(window.clientCpuS),
    load_1m: round(window.load1m, 2),
    publish_errors: outcome.errors.length,
    notes,
  };
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
