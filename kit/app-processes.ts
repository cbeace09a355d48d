/**
 * The web server and the worker as real processes, started as a container starts them and waited for
 * until they are ready: the web server when `GET /health` answers, the worker when it says it
 * started. Either build runs: the TypeScript sources through tsx (`npm run web`, `npm run worker`) or
 * the compiled files of `npm run build` (what the image runs).
 */
import { freePort } from './free-port.js';
import { startNodeProcess, type NodeProcess, type NodeProcessOptions } from './node-process.js';
import { waitForHttp } from './wait-for-http.js';

export type AppRole = 'web' | 'worker';

/** `source`: the TypeScript entries through tsx; `compiled`: `build/` after `npm run build`. */
export type AppBuild = 'source' | 'compiled';

const ENTRIES: Readonly<Record<AppBuild, Readonly<Record<AppRole, string>>>> = {
  source: { web: 'app/server/main.ts', worker: 'app/worker/main.ts' },
  compiled: { web: 'build/app/server/main.js', worker: 'build/app/worker/main.js' },
};

/** The entry file of `role` in `build`, relative to the checkout's root. */
export function appEntry(role: AppRole, build: AppBuild = 'source'): string {
  return ENTRIES[build][role];
}

export interface AppProcessOptions extends Omit<NodeProcessOptions, 'env'> {
  /** @default 'source' */
  readonly build?: AppBuild;
  /**
   * Another program to run in the web server's place, configured and probed like it (`PORT`,
   * `/health`): the benchmark's reference servers. @default the entry of the role in `build`
   */
  readonly entry?: string;
  /** How long it may take to become ready. @default 30_000 */
  readonly readyTimeoutMs?: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface WebProcess extends NodeProcess {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
}

export interface WorkerAppProcess extends NodeProcess {
  /** `http://127.0.0.1:PORT` of the worker's `/metrics` listener. */
  readonly metricsUrl: string;
}

/**
 * Starts the web server on `env.PORT`, or on a free loopback port, and resolves once `GET /health`
 * answers. `LOG_LEVEL` defaults to `info` (the log lines are what tests read) and `HOST` to loopback.
 */
export async function startWebProcess(env: Env, options: AppProcessOptions = {}): Promise<WebProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const proc = startNodeProcess(options.entry ?? appEntry('web', options.build), {
    ...options,
    env: { LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env, PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  await ready(proc, () =>
    waitForHttp(`${url}/health`, { child: proc.child, output: proc.describeOutput, timeoutMs: options.readyTimeoutMs }),
  );
  return { ...proc, url, port };
}

/**
 * Starts the worker and resolves once it says it started. Its metrics listener takes a free loopback
 * port unless `env.WORKER_METRICS_PORT` names one, so workers of parallel test files never collide.
 */
export async function startWorkerProcess(env: Env, options: AppProcessOptions = {}): Promise<WorkerAppProcess> {
  const proc = startNodeProcess(options.entry ?? appEntry('worker', options.build), {
    ...options,
    env: { LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0', HOST: '127.0.0.1', ...env },
  });
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  let listening = '';
  await ready(proc, async () => {
    listening = await proc.waitForLine(/worker metrics listening/, timeoutMs);
    await proc.waitForLine(/worker started/, timeoutMs);
  });
  return { ...proc, metricsUrl: (JSON.parse(listening) as { url: string }).url };
}

/** Waits for `proc` to be ready; a process that never got there is killed, not left behind. */
async function ready(proc: NodeProcess, until: () => Promise<void>): Promise<void> {
  try {
    await until();
  } catch (error) {
    await proc.stop('SIGKILL');
    throw error;
  }
}
