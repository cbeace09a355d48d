/**
 * The real stack a class runs against: one redis-server (append-only, as the manifests run it), web
 * and worker processes started exactly as `npm run web` / `npm run worker` would be, each with its
 * inspector open on loopback so the harness can measure its heap. Every log line of every process,
 * also of the ones a fault killed, is kept for the token scan.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePorts } from '../../kit/free-port.js';
import { startRedisServer, type RedisServer, type RedisServerOptions } from '../../kit/redis-server.js';
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';
import { signToken } from '../../app/auth/tokens.js';
import { inspectorNodeOptions, measureHeapAfterGc } from './heap-probe.js';

export type Role = 'web' | 'worker';

export interface StackOptions {
  /** Web processes to start. @default 1 */
  readonly webs?: number;
  /** Worker processes to start. @default 1 */
  readonly workers?: number;
  /** Environment for web and worker alike (REDIS_URL and JWT_SECRET are set by the stack). */
  readonly env?: Record<string, string>;
  readonly webEnv?: Record<string, string>;
  readonly workerEnv?: Record<string, string>;
  /** Start the processes while redis-server is stopped (fault 6). @default false */
  readonly redisDownAtStart?: boolean;
  /** How redis-server runs (e.g. its `maxmemory`). @default the kit's: append-only, no memory limit */
  readonly redis?: RedisServerOptions;
}

/** One started process and what the harness knows about it. */
export interface StackProcess {
  readonly name: string;
  readonly role: Role;
  readonly proc: NodeProcess;
  readonly inspectPort: number;
  /** Set when the harness killed or stopped it on purpose. */
  stoppedOnPurpose: boolean;
}

/** A long-lived token keeps the suite free of expiry races on a slow machine. */
const TOKEN_TTL_SECONDS = 6 * 3600;

export class ChaosStack {
  readonly secret = `chaos-${randomBytes(16).toString('hex')}`;
  readonly processes: StackProcess[] = [];
  private readonly secrets = new Set<string>();
  private readonly admins: Redis[] = [];
  private counter = { web: 0, worker: 0 };

  private constructor(
    readonly redis: RedisServer,
    private readonly options: StackOptions,
  ) {
    this.secrets.add(this.secret);
  }

  static async start(options: StackOptions = {}): Promise<ChaosStack> {
    const redis = await startRedisServer(options.redis);
    if (options.redisDownAtStart) await redis.stop();
    const stack = new ChaosStack(redis, options);
    try {
      for (let i = 0; i < (options.webs ?? 1); i++) await stack.startWeb();
      for (let i = 0; i < (options.workers ?? 1); i++) await stack.startWorker();
    } catch (error) {
      await stack.destroy();
      throw error;
    }
    return stack;
  }

  /** The environment both roles get. */
  baseEnv(): Record<string, string> {
    return {
      REDIS_URL: this.redis.url,
      JWT_SECRET: this.secret,
      LOG_LEVEL: 'info',
      // A fault round's jobs run at once (at most 8 of them). The deployed default (2) is what a
      // 256 Mi worker pod fits with max-size jobs, which these classes do not upload.
      WORKER_CONCURRENCY: '8',
      ...this.options.env,
    };
  }

  async startWeb(extraEnv: Record<string, string> = {}): Promise<WebProcess> {
    // Another process (a parallel test file) may take a port between our pick and the listen.
    for (let attempt = 1; ; attempt++) {
      const [port, inspectPort] = await freePorts(2);
      try {
        const proc = await startWebProcess({
          ...this.baseEnv(),
          ...this.options.webEnv,
          ...extraEnv,
          PORT: String(port),
          NODE_OPTIONS: inspectorNodeOptions(inspectPort!),
        });
        this.processes.push({
          name: `web#${++this.counter.web}`,
          role: 'web',
          proc,
          inspectPort: inspectPort!,
          stoppedOnPurpose: false,
        });
        return proc;
      } catch (error) {
        if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
      }
    }
  }

  async startWorker(extraEnv: Record<string, string> = {}): Promise<NodeProcess> {
    const [inspectPort] = await freePorts(1);
    const proc = await startWorkerProcess({
      ...this.baseEnv(),
      ...this.options.workerEnv,
      ...extraEnv,
      NODE_OPTIONS: inspectorNodeOptions(inspectPort!),
    });
    this.processes.push({
      name: `worker#${++this.counter.worker}`,
      role: 'worker',
      proc,
      inspectPort: inspectPort!,
      stoppedOnPurpose: false,
    });
    return proc;
  }

  /** Live web processes, oldest first. */
  get webs(): WebProcess[] {
    return this.live()
      .filter((p) => p.role === 'web')
      .map((p) => p.proc as WebProcess);
  }

  /** The first live web process's base URL. */
  get url(): string {
    const web = this.webs[0];
    if (!web) throw new Error('no web process is running');
    return web.url;
  }

  get workers(): NodeProcess[] {
    return this.live()
      .filter((p) => p.role === 'worker')
      .map((p) => p.proc);
  }

  /** Processes still running that the harness did not stop on purpose. */
  live(): StackProcess[] {
    return this.processes.filter(
      (p) => !p.stoppedOnPurpose && p.proc.child.exitCode === null && p.proc.child.signalCode === null,
    );
  }

  /** Processes that died although nobody stopped them: a crash. */
  crashed(): StackProcess[] {
    return this.processes.filter(
      (p) => !p.stoppedOnPurpose && (p.proc.child.exitCode !== null || p.proc.child.signalCode !== null),
    );
  }

  /** Sends `signal` to a process on purpose and waits for it to exit; answers the exit code. */
  async kill(proc: NodeProcess, signal: NodeJS.Signals): Promise<number | null> {
    const entry = this.processes.find((p) => p.proc === proc);
    if (entry) entry.stoppedOnPurpose = true;
    return proc.stop(signal);
  }

  /** A token for `user`, remembered so the log scan can look for it. */
  async token(user: string, ttlSeconds = TOKEN_TTL_SECONDS): Promise<string> {
    const token = await signToken(this.secret, user, ttlSeconds);
    this.secrets.add(token);
    return token;
  }

  /** Remembers a string that must never appear in a log line (e.g. a forged token sent in a URL). */
  rememberSecret(secret: string): void {
    if (secret.length >= 16) this.secrets.add(secret);
  }

  /** Every secret the log scan looks for: the signing key and every token issued or sent. */
  knownSecrets(): readonly string[] {
    return [...this.secrets];
  }

  /** Every log line of every process this stack ever started. */
  logLines(): string[] {
    return this.processes.flatMap((p) => p.proc.lines);
  }

  /** A line count per process, to look only at what a class wrote. */
  logMark(): Map<StackProcess, number> {
    return new Map(this.processes.map((p) => [p, p.proc.lines.length]));
  }

  linesSince(mark: Map<StackProcess, number>): { process: StackProcess; line: string }[] {
    return this.processes.flatMap((p) => p.proc.lines.slice(mark.get(p) ?? 0).map((line) => ({ process: p, line })));
  }

  /** Heap used after a full GC, per live process. */
  async heaps(): Promise<Map<StackProcess, number>> {
    const heaps = new Map<StackProcess, number>();
    for (const p of this.live()) heaps.set(p, await measureHeapAfterGc(p.inspectPort));
    return heaps;
  }

  /** A harness connection to the stack's Redis, for injecting faults; closed by {@link destroy}. */
  admin(): Redis {
    const redis = new Redis(this.redis.url, { maxRetriesPerRequest: null, connectionName: 'chaos-admin' });
    redis.on('error', () => undefined);
    this.admins.push(redis);
    return redis;
  }

  async destroy(): Promise<void> {
    for (const admin of this.admins) admin.disconnect();
    await Promise.all(
      this.processes.map(async (p) => {
        p.stoppedOnPurpose = true;
        await p.proc.stop('SIGTERM', 15_000);
      }),
    );
    await this.redis.destroy();
  }
}
