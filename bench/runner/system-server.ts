/**
 * Starts the server of one system as its own process on a free port, with the memory probe
 * preloaded and `--expose-gc`, logs to a file, and stops it again. `this` and `polling` run the
 * project's web server entry (what `npm run web` runs) with production settings.
 */
import { openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { SystemName } from '../options.js';
import { sleep } from '../clock.js';
import { spawnWithFileLimit, stopChild } from './spawn.js';

export interface ServerStartOptions {
  readonly system: SystemName;
  readonly repoRoot: string;
  readonly redisUrl: string;
  readonly jwtSecret: string;
  /** Where stdout and stderr go. */
  readonly logFile: string;
  /** Extra environment for the project's server (`this`, `polling`). */
  readonly thisEnv?: Readonly<Record<string, string>>;
}

export interface ProbeMemory {
  readonly heapUsed: number;
}

/**
 * What a run needs of the server side of a system: one process ({@link SystemServer}) or several
 * behind a proxy (server-group.ts).
 */
export interface BenchServer {
  /** Where the clients connect. */
  readonly url: string;
  /** The server processes (not the proxy): CPU, memory and Redis connections are theirs. */
  readonly pids: readonly number[];
  /** V8 heap in use after a full GC, summed over the processes. */
  measureMemory(): Promise<ProbeMemory>;
  writeHeapSnapshot(path: string): Promise<unknown>;
  startProfile(): Promise<unknown>;
  stopProfile(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

const ENTRIES: Partial<Record<SystemName, string>> = {
  this: 'app/server/main.ts',
  polling: 'app/server/main.ts',
  'ws-relay': 'bench/servers/ws-relay.ts',
  'ws-naive': 'bench/servers/ws-naive.ts',
  socketio: 'bench/servers/socketio.ts',
};

/** Whether a system has a server process of its own (`floor` has none). */
export function hasServer(system: SystemName): boolean {
  return ENTRIES[system] !== undefined;
}

export class SystemServer implements BenchServer {
  private constructor(readonly child: ChildProcess, readonly url: string, readonly port: number) {}

  get pid(): number {
    return this.child.pid as number;
  }

  get pids(): readonly number[] {
    return [this.pid];
  }

  static async start(options: ServerStartOptions): Promise<SystemServer> {
    const entry = ENTRIES[options.system];
    if (!entry) throw new Error(`${options.system} has no server`);
    const port = await freePort();
    const probe = pathToFileURL(join(options.repoRoot, 'bench/servers/memory-probe.ts')).href;
    const log = openSync(options.logFile, 'w');
    const child = spawnWithFileLimit(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', probe, entry], {
      cwd: options.repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_URL: options.redisUrl,
        JWT_SECRET: options.jwtSecret,
        // The polling system is the project's server as deployed with WebSocket turned off.
        ENABLE_WEBSOCKET: options.system === 'polling' ? 'false' : 'true',
        ...(options.system === 'this' || options.system === 'polling' ? options.thisEnv : {}),
      },
      stdio: ['ignore', log, log, 'ipc'],
      advancedIpc: true,
    });
    closeSync(log);
    const server = new SystemServer(child, `http://127.0.0.1:${port}`, port);
    await server.waitForHealth(30_000, options.logFile);
    return server;
  }

  private async waitForHealth(timeoutMs: number, logFile: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`server exited with ${this.child.exitCode} before it answered; see ${logFile}`);
      try {
        if ((await fetch(`${this.url}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server did not answer ${this.url}/health within ${timeoutMs} ms; see ${logFile}`);
  }

  /** Sends a probe command and resolves with its answer. */
  private probe<T>(command: Record<string, unknown> & { type: string }, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        reject(new Error(`no answer to ${command.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: { type?: string; answer?: T; error?: string }): void => {
        if (message.type !== `${command.type}:done`) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        if (message.error) reject(new Error(message.error));
        else resolve(message.answer as T);
      };
      this.child.on('message', onMessage);
      this.child.send(command);
    });
  }

  /** The V8 heap in use after a full garbage collection in the server. */
  measureMemory(): Promise<ProbeMemory> {
    return this.probe<ProbeMemory>({ type: 'bench:measure' });
  }

  writeHeapSnapshot(path: string): Promise<unknown> {
    return this.probe({ type: 'bench:heap-snapshot', path }, 300_000);
  }

  startProfile(): Promise<unknown> {
    return this.probe({ type: 'bench:profile-start' });
  }

  stopProfile(path: string): Promise<unknown> {
    return this.probe({ type: 'bench:profile-stop', path });
  }

  /** SIGTERM (the project drains and closes its sockets), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    await stopChild(this.child);
  }
}

/** A free loopback port (the kernel's pick; released again before the server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
