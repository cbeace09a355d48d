/**
 * Starts the server of one system as its own process on a free port, with the memory probe
 * preloaded and `--expose-gc`, logs to a file, and stops it again. `this` and `polling` run the
 * project's web server entry (what `npm run web` runs) with production settings.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { appEntry, startWebProcess, type WebProcess } from '../../kit/app-processes.js';
import type { SystemName } from '../options.js';

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
  this: appEntry('web'),
  polling: appEntry('web'),
  'ws-relay': 'bench/servers/ws-relay.ts',
  'ws-naive': 'bench/servers/ws-naive.ts',
  socketio: 'bench/servers/socketio.ts',
};

/** Whether a system has a server process of its own (`floor` has none). */
export function hasServer(system: SystemName): boolean {
  return ENTRIES[system] !== undefined;
}

export class SystemServer implements BenchServer {
  private constructor(private readonly web: WebProcess) {}

  get child(): ChildProcess {
    return this.web.child;
  }

  get url(): string {
    return this.web.url;
  }

  get port(): number {
    return this.web.port;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get pids(): readonly number[] {
    return [this.pid];
  }

  static async start(options: ServerStartOptions): Promise<SystemServer> {
    const entry = ENTRIES[options.system];
    if (!entry) throw new Error(`${options.system} has no server`);
    const probe = pathToFileURL(join(options.repoRoot, 'bench/servers/memory-probe.ts')).href;
    const env = {
      NODE_ENV: 'production',
      REDIS_URL: options.redisUrl,
      JWT_SECRET: options.jwtSecret,
      // The polling system is the project's server as deployed with WebSocket turned off.
      ENABLE_WEBSOCKET: options.system === 'polling' ? 'false' : 'true',
      ...(options.system === 'this' || options.system === 'polling' ? options.thisEnv : {}),
    };
    return new SystemServer(
      await startWebProcess(env, {
        entry,
        cwd: options.repoRoot,
        nodeArgs: ['--expose-gc', '--import', probe],
        raiseFileLimit: true,
        output: { file: options.logFile },
        ipc: 'advanced',
      }),
    );
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
    await this.web.stop();
  }
}
