import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withRaisedFileLimit } from '../../kit/file-limit.js';
import { freePort } from './free-port.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface AppProcess {
  readonly child: ChildProcess;
  /** Every line the process wrote (stdout and stderr), in order. */
  readonly lines: string[];
  /** Resolves with the first line matching `pattern` (already written or still to come). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code once it exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves once the process exited (by itself or a signal). */
  readonly exited: Promise<number | null>;
}

export interface WebProcess extends AppProcess {
  readonly url: string;
  readonly port: number;
}

export interface AppProcessOptions {
  /** Raise the soft open-file limit to the hard one, as a pod has it (thousands of sockets). @default false */
  readonly raiseFileLimit?: boolean;
}

/**
 * Runs an entry file of this checkout as a real child process (`node --import tsx <entry>`),
 * capturing its log lines. The environment is exactly `env` plus PATH and HOME.
 */
export function startAppProcess(entry: string, env: Record<string, string>, options: AppProcessOptions = {}): AppProcess {
  const argv: [string, string[]] = [process.execPath, ['--import', 'tsx', entry]];
  const [command, args] = options.raiseFileLimit ? withRaisedFileLimit(...argv) : argv;
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  const onData = (buffered: { rest: string }) => (chunk: Buffer): void => {
    const text = buffered.rest + chunk.toString('utf8');
    const parts = text.split('\n');
    buffered.rest = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters) {
        if (waiter.pattern.test(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  };
  child.stdout!.on('data', onData({ rest: '' }));
  child.stderr!.on('data', onData({ rest: '' }));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    child,
    lines,
    exited,
    waitForLine: (pattern, timeoutMs = 30_000) => {
      const existing = lines.find((line) => pattern.test(line));
      if (existing !== undefined) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const waiter = { pattern, resolve: (line: string) => { clearTimeout(timer); resolve(line); } };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.slice(-20).join('\n')}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts `npm run web`'s entry on a free port and waits until `GET /health` answers. */
export async function startWebProcess(env: Record<string, string>, options: AppProcessOptions = {}): Promise<WebProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const proc = startAppProcess('app/server/main.ts', { LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' }, options);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, proc);
  return { ...proc, url, port };
}

export interface WorkerAppProcess extends AppProcess {
  /** `http://127.0.0.1:PORT` of the worker's `/metrics` listener. */
  readonly metricsUrl: string;
}

/**
 * Starts `npm run worker`'s entry and waits until it says it started. Its metrics listener takes a
 * free loopback port unless `env` names one, so workers of parallel test files never collide.
 */
export async function startWorkerProcess(env: Record<string, string>, options: AppProcessOptions = {}): Promise<WorkerAppProcess> {
  const proc = startAppProcess('app/worker/main.ts', { LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0', HOST: '127.0.0.1', ...env }, options);
  const listening = await proc.waitForLine(/worker metrics listening/);
  await proc.waitForLine(/worker started/);
  return { ...proc, metricsUrl: (JSON.parse(listening) as { url: string }).url };
}

export async function waitForHttp(url: string, proc?: AppProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && proc.child.exitCode !== null) {
      throw new Error(`process exited (${proc.child.exitCode}) before ${url} answered:\n${proc.lines.join('\n')}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
