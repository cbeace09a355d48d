import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort } from './free-port.js';

export interface TestRedis {
  /** `redis://127.0.0.1:PORT`, or `rediss://…` with {@link TestRedisOptions.tls} */
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, waits for exit). Data stays in its folder for `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data folder (append-only file on). */
  start(): Promise<void>;
  /** Stops it and removes its data folder. */
  destroy(): Promise<void>;
}

export interface TestRedisOptions {
  /** Extra `redis-server` arguments, e.g. `['--requirepass', 'x']`. */
  args?: string[];
  /**
   * TLS only, as Memorystore with transit encryption `SERVER_AUTHENTICATION`: the port speaks TLS
   * with this certificate (clients present none) and there is no plain port (`--port 0`).
   */
  tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string };
}

/**
 * A real `redis-server` on a free loopback port (never 6379) with append-only persistence, as the
 * manifests run it. Each test file starts its own, so keys, clients and channels never mix.
 */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'pl-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const listen = options.tls === undefined ? ['--port', String(port)] : [
      '--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.certFile,
      '--tls-key-file', options.tls.keyFile, '--tls-ca-cert-file', options.tls.caFile, '--tls-auth-clients', 'no',
    ];
    child = spawn(
      'redis-server',
      [...listen, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes',
        '--save', '', '--daemonize', 'no', '--loglevel', 'warning', ...(options.args ?? [])],
      { stdio: 'ignore' },
    );
    child.on('error', () => undefined);
    await waitForPort(port, 10_000);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };

  await start();
  return {
    url: `${options.tls === undefined ? 'redis' : 'rediss'}://127.0.0.1:${port}`,
    port,
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
