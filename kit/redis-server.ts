/**
 * A real `redis-server` on a free loopback port (never 6379), with append-only persistence as the
 * manifests run it, for the tests, the chaos suite, the benchmark and `npm start`. Each caller gets
 * its own server, so keys, clients and channels never mix; it can be stopped and started again on the
 * same port with the same data, as a Redis restart is.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { stopChild } from './stop-child.js';
import { waitForPort } from './wait-for-port.js';

/** TLS only, as Memorystore with transit encryption `SERVER_AUTHENTICATION`: clients present no certificate. */
export interface RedisTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

export interface RedisServerOptions {
  /** The data folder, kept by `stop()` for `start()`. @default a new temporary folder, removed by `destroy()` */
  readonly dir?: string;
  /** Append-only persistence (`appendonly yes`), as the manifests run Redis. @default true */
  readonly appendOnly?: boolean;
  /** `maxmemory`, e.g. `64mb`. @default none (no limit) */
  readonly maxMemory?: string;
  /** `maxmemory-policy`. @default Redis's own (`noeviction`) */
  readonly maxMemoryPolicy?: string;
  /** `requirepass`; the `url` then carries it. @default none */
  readonly password?: string;
  /** Listen with TLS only (`--tls-port`, no plain port); the `url` is then `rediss://`. @default plain TCP */
  readonly tls?: RedisTls;
  /** Where Redis writes its log. @default its output, kept for error messages only */
  readonly logFile?: string;
  /** Further `redis-server` arguments, after the ones above. @default [] */
  readonly args?: readonly string[];
  /** How long `stop()` waits after SIGTERM before SIGKILL. @default 10_000 */
  readonly stopGraceMs?: number;
}

export interface RedisServer {
  /** `redis://127.0.0.1:PORT` (`rediss://` with TLS, `:password@` with a password). */
  readonly url: string;
  readonly port: number;
  /** The running process; undefined while stopped. */
  readonly child: ChildProcess | undefined;
  /** Stops the server (SIGTERM; Redis writes its append-only file first). The data stays for `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data folder. */
  start(): Promise<void>;
  /** Stops it and removes a data folder the kit made. */
  destroy(): Promise<void>;
}

/** Whether `redis-server` can be run here. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The command line of a server on `port` with its data in `dir`. Pure. */
export function redisServerArgs(port: number, dir: string, options: RedisServerOptions = {}): string[] {
  const { tls } = options;
  const listen =
    tls === undefined
      ? ['--port', String(port)]
      : [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          tls.certFile,
          '--tls-key-file',
          tls.keyFile,
          '--tls-ca-cert-file',
          tls.caFile,
          '--tls-auth-clients',
          'no',
        ];
  return [
    ...listen,
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    options.appendOnly === false ? 'no' : 'yes',
    '--save',
    '',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(options.logFile === undefined ? [] : ['--logfile', options.logFile]),
    ...(options.maxMemory === undefined ? [] : ['--maxmemory', options.maxMemory]),
    ...(options.maxMemoryPolicy === undefined ? [] : ['--maxmemory-policy', options.maxMemoryPolicy]),
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ...(options.args ?? []),
  ];
}

/** The URL clients connect with. Pure. */
export function redisServerUrl(port: number, options: Pick<RedisServerOptions, 'tls' | 'password'> = {}): string {
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return `${options.tls === undefined ? 'redis' : 'rediss'}://${auth}127.0.0.1:${port}`;
}

/** Starts a server and resolves once its port accepts connections. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'pl-redis-'));
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const started = spawn('redis-server', redisServerArgs(port, dir, options), { stdio: ['ignore', 'pipe', 'pipe'] });
    started.on('error', () => undefined);
    if (started.pid === undefined) {
      throw new Error(
        'redis-server could not start: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis).',
      );
    }
    let said = '';
    // Only the last few kilobytes: they say why a start failed; Redis at `warning` writes little else.
    const keep = (chunk: Buffer): void => {
      said = (said + chunk.toString('utf8')).slice(-4096);
    };
    started.stdout.on('data', keep);
    started.stderr.on('data', keep);
    child = started;
    try {
      await waitForPort(port, { name: 'redis-server', child: started, output: () => said });
    } catch (error) {
      await stop();
      throw error;
    }
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await stopChild(running, { graceMs: options.stopGraceMs ?? 10_000 });
  };

  await start();
  return {
    url: redisServerUrl(port, options),
    port,
    get child() {
      return child;
    },
    start,
    stop,
    destroy: async () => {
      await stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
