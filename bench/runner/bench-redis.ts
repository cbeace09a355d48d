/**
 * The benchmark's own redis-server on a free loopback port, with append-only persistence as the
 * manifests run it, and the one control connection the coordinator uses for CLIENT LIST.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { Redis } from 'ioredis';
import { sleep } from '../clock.js';
import { parseClientList, type RedisClientEntry } from './redis-clients.js';
import { freePort } from './system-server.js';
import { stopChild } from './spawn.js';

export class BenchRedis {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    readonly control: Redis,
    readonly version: string,
  ) {}

  /** Starts a redis-server; `args` are added to the command line (the capacity run's `--maxmemory`). */
  static async start(args: readonly string[] = []): Promise<BenchRedis> {
    const dir = mkdtempSync(join(tmpdir(), 'pl-bench-redis-'));
    const port = await freePort();
    const child = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '',
      '--daemonize', 'no', '--loglevel', 'warning', ...args,
    ], { stdio: 'ignore' });
    child.on('error', () => undefined);
    try {
      await waitForPort(port, 10_000, child);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    const url = `redis://127.0.0.1:${port}`;
    const control = new Redis(url, { connectionName: 'bench-control' });
    control.on('error', () => undefined);
    const info = await control.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    return new BenchRedis(child, dir, url, control, version);
  }

  async clientList(): Promise<RedisClientEntry[]> {
    return parseClientList((await this.control.client('LIST')) as string);
  }

  /** The configured `maxclients` (Redis' connection cap; the one-subscriber-per-socket design meets it). */
  async maxClients(): Promise<number> {
    const [, value] = (await this.control.config('GET', 'maxclients')) as [string, string];
    return Number(value);
  }

  async stop(): Promise<void> {
    this.control.disconnect();
    await stopChild(this.child, 'SIGTERM', 10_000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.pid === undefined) {
      throw new Error('redis-server could not start. Install it (e.g. apt-get install redis-server) and try again.');
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
    await sleep(25);
  }
}
