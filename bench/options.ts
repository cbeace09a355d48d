/**
 * The benchmark's command line: profiles (`--quick`, the default full profile) and overrides, parsed
 * once and validated at once, like the app's config. Pure: no I/O.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The systems the benchmark can measure. */
export const SYSTEMS = ['this', 'ws-relay', 'ws-naive', 'socketio', 'polling', 'floor'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** More web processes than this would measure the 2-core machine's scheduler, not the service. */
export const MAX_WEB_PROCESSES = 8;

export interface BenchOptions {
  /** Systems to measure, in the order they alternate within one size. */
  readonly systems: readonly SystemName[];
  /** Client counts C, one run per system per size. */
  readonly sizes: readonly number[];
  /** Jobs J per run; `undefined` means C / 10 (at least 1). */
  readonly jobs: number | undefined;
  /** Progress messages per second over all jobs (terminal states included). @default 1000 */
  readonly rate: number;
  /** Length of the measured window in seconds. @default 20 (10 with --quick) */
  readonly durationS: number;
  /** How many times the whole plan runs, alternating systems each time. @default 1 */
  readonly repeat: number;
  /** Most client sockets in one load-generator process. @default 5000 */
  readonly clientsPerProcess: number;
  /** Where to write the JSON report, if anywhere. */
  readonly json: string | undefined;
  /** Where to write the SVG chart, if anywhere. */
  readonly svg: string | undefined;
  /** Folder for server logs and profiles. @default 'bench-output' */
  readonly outDir: string;
  /** Record a CPU profile of each server over the measured window. @default false */
  readonly cpuProfile: boolean;
  /** Write a heap snapshot of each server while all clients are connected and idle. @default false */
  readonly heapSnapshot: boolean;
  /** Extra environment for the project's server (`this`, `polling`), for experiments, e.g. WS_PING_INTERVAL_MS. */
  readonly thisEnv: Readonly<Record<string, string>>;
  /**
   * Web process counts N for `this`: each N is one run of N processes behind haproxy (round-robin),
   * the clients spread by the proxy. Undefined: `this` is one process, reached directly.
   */
  readonly webProcesses: readonly number[] | undefined;
  /** The profile the options started from, for the report. */
  readonly profile: 'quick' | 'smoke' | 'full' | 'custom';
  /**
   * Run the capacity benchmark instead (compiled build, peak RSS against the manifests' limits,
   * the pipeline against its floor); `--repeat` sets its end-to-end runs (default 3, 1 with --quick).
   */
  readonly capacity: boolean;
  readonly help: boolean;
}

export class OptionsError extends Error {
  readonly code = 'BENCH_OPTIONS_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid options: ${problems.join('; ')}. Run \`npm run bench -- --help\`.`);
    this.name = 'OptionsError';
  }
}

export const USAGE = `npm run bench -- [options]

Measures WebSocket delivery of Progress messages for the project's web server ("this") and the
alternatives, each as its own server process on one Redis, alternating, and prints a table.

Profiles:
  (none)                  full: C = 1000, 5000, 10000; 20 s each; every system
  --capacity              instead: the compiled build's peak RSS (VmHWM) for UPLOAD_CONCURRENCY max-size
                          uploads and WORKER_CONCURRENCY max-size jobs against the synthesized manifests'
                          limits, and a 50,000-row job end to end against the csv-parse → personalise →
                          csv-stringify floor (3 runs each; --quick 1; --repeat N)
  --quick                 C = 1000; 10 s; every system (CI, a first look); overrides below apply
  --smoke                 C = 200; 3 s; every system (the test suite: completeness, not speed)
Overrides:
  --connections N[,N...]  client counts C (e.g. 19000)
  --jobs J                jobs per run (default C/10)
  --rate R                messages per second over all jobs (default 1000)
  --duration S            measured window in seconds
  --repeat N              run the whole plan N times (report ranges and medians)
  --systems a,b           subset of: ${SYSTEMS.join(', ')}
  --clients-per-process N sockets per load-generator process (default 5000; each process may open
                          at most its open-file limit)
  --json FILE             write the JSON report
  --svg FILE              write the SVG chart (p99 latency and memory per connection)
  --out DIR               folder for server logs and profiles (default bench-output)
  --this-env K=V[,K=V]    extra environment for the project's server (experiments; shown in the report)
  --web-processes N[,N...] run "this" as N web processes behind haproxy (round-robin), once per N
                          (1 to ${MAX_WEB_PROCESSES}); other systems are unchanged
  --cpu-prof              CPU profile of each server over its measured window (--out/profiles)
  --heap-snapshot         heap snapshot of each server with all clients connected (--out/profiles)
  --help                  this text`;

/** Every option, for node:util's parseArgs; `type: 'string'` ones take a value. */
const ARGUMENTS = {
  connections: { type: 'string' },
  jobs: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  repeat: { type: 'string' },
  systems: { type: 'string' },
  'clients-per-process': { type: 'string' },
  json: { type: 'string' },
  svg: { type: 'string' },
  out: { type: 'string' },
  'this-env': { type: 'string' },
  'web-processes': { type: 'string' },
  quick: { type: 'boolean' },
  smoke: { type: 'boolean' },
  capacity: { type: 'boolean' },
  'cpu-prof': { type: 'boolean' },
  'heap-snapshot': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/**
 * The values and switches given, by their `--name`. parseArgs runs loose (strict mode stops at the
 * first problem) and the tokens are checked here, so every problem is reported at once.
 */
function readArguments(
  argv: readonly string[],
  problems: string[],
): { values: Map<string, string>; switches: Set<string> } {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const { tokens } = parseArgs({
    args: [...argv],
    options: ARGUMENTS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option' || !Object.hasOwn(ARGUMENTS, token.name)) {
      problems.push(`unknown argument "${argv[token.index] ?? ''}"`);
      continue;
    }
    const flag = `--${token.name}`;
    if (ARGUMENTS[token.name as keyof typeof ARGUMENTS].type === 'string') {
      // parseArgs takes the next argument as the value even when it is another option.
      if (token.value === undefined || token.value.startsWith('--')) problems.push(`${flag} needs a value`);
      else values.set(flag, token.value);
    } else if (token.value !== undefined) {
      problems.push(`${flag} takes no value`);
    } else {
      switches.add(flag);
    }
  }
  return { values, switches };
}

/** Parses `argv` (without node and script); throws {@link OptionsError} naming every problem. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const problems: string[] = [];
  const { values, switches } = readArguments(argv, problems);

  const quick = switches.has('--quick');
  const smoke = switches.has('--smoke');
  if (quick && smoke) problems.push('choose one of --quick and --smoke');
  const whole = (flag: string, min: number, fallback: number): number => {
    const raw = values.get(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min) {
      problems.push(`${flag} must be a whole number of at least ${min}, got "${raw}"`);
      return fallback;
    }
    return n;
  };

  let sizes: number[] = smoke ? [200] : quick ? [1000] : [1000, 5000, 10000];
  const rawSizes = values.get('--connections');
  if (rawSizes !== undefined) {
    const parts = rawSizes.split(',').map((p) => p.trim());
    if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1))
      problems.push(`--connections must be whole numbers of at least 1, got "${rawSizes}"`);
    else sizes = parts.map(Number);
  }

  let systems: SystemName[] = [...SYSTEMS];
  const rawSystems = values.get('--systems');
  if (rawSystems !== undefined) {
    const parts = rawSystems
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    const unknown = parts.filter((p) => !(SYSTEMS as readonly string[]).includes(p));
    if (unknown.length > 0 || parts.length === 0)
      problems.push(
        `--systems must list some of ${SYSTEMS.join(', ')}; unknown: ${unknown.join(', ') || '(none given)'}`,
      );
    else systems = parts as SystemName[];
  }

  const thisEnv: Record<string, string> = {};
  const rawEnv = values.get('--this-env');
  if (rawEnv !== undefined) {
    for (const pair of rawEnv.split(',')) {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair.trim());
      if (match) thisEnv[match[1] as string] = match[2] as string;
      else problems.push(`--this-env takes NAME=value pairs separated by commas, got "${pair}"`);
    }
  }

  let webProcesses: number[] | undefined;
  const rawProcesses = values.get('--web-processes');
  if (rawProcesses !== undefined) {
    const parts = rawProcesses.split(',').map((p) => p.trim());
    if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > MAX_WEB_PROCESSES)) {
      problems.push(`--web-processes must be whole numbers from 1 to ${MAX_WEB_PROCESSES}, got "${rawProcesses}"`);
    } else {
      webProcesses = parts.map(Number);
    }
  }

  const rawJobs = values.get('--jobs');
  const capacity = switches.has('--capacity');
  const options: BenchOptions = {
    systems,
    sizes,
    jobs: rawJobs === undefined ? undefined : whole('--jobs', 1, 1),
    rate: whole('--rate', 1, 1000),
    durationS: whole('--duration', 1, smoke ? 3 : quick ? 10 : 20),
    repeat: whole('--repeat', 1, capacity ? (quick ? 1 : 3) : 1),
    clientsPerProcess: whole('--clients-per-process', 1, 5000),
    json: values.get('--json'),
    svg: values.get('--svg'),
    outDir: values.get('--out') ?? 'bench-output',
    thisEnv,
    webProcesses,
    cpuProfile: switches.has('--cpu-prof'),
    heapSnapshot: switches.has('--heap-snapshot'),
    profile: profileOf(smoke ? 'smoke' : quick ? 'quick' : 'full', [...values.keys()]),
    capacity,
    help: switches.has('--help'),
  };
  if (problems.length > 0) throw new OptionsError(problems);
  return options;
}

/** A run is `quick` or `full` only when nothing that shapes the load was overridden. */
function profileOf(base: 'quick' | 'smoke' | 'full', flags: readonly string[]): BenchOptions['profile'] {
  const shaping = ['--connections', '--jobs', '--rate', '--duration', '--systems', '--this-env', '--web-processes'];
  return flags.some((f) => shaping.includes(f)) ? 'custom' : base;
}

/** J for a run of C clients: the `--jobs` override, else C / 10, at least 1. */
export function jobsFor(options: BenchOptions, connections: number): number {
  return options.jobs ?? Math.max(1, Math.round(connections / 10));
}
