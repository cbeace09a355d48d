/**
 * The compiled build, as the image runs it: `npm run build`, then `node build/app/server/main.js`
 * and `node build/app/worker/main.js` with the environment the manifests give each container.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFileSync } from 'node:fs';
import { sleep } from '../clock.js';
import { stopChild } from '../runner/spawn.js';

/** Runs `npm run build` in `repoRoot`; throws with its output when it fails. */
export async function buildCompiled(repoRoot: string): Promise<void> {
  const child = spawn('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run build failed (${code}):\n${output}`);
}

export type Role = 'web' | 'worker';

const ENTRIES: Record<Role, string> = { web: 'build/app/server/main.js', worker: 'build/app/worker/main.js' };

export interface StartOptions {
  readonly repoRoot: string;
  readonly role: Role;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
}

/** One compiled process, its log in a file, its peak memory read from /proc. */
export class CompiledProcess {
  private constructor(readonly role: Role, private readonly child: ChildProcess, private readonly lines: string[]) {}

  static async start(options: StartOptions): Promise<CompiledProcess> {
    const child = spawn(process.execPath, [ENTRIES[options.role]], {
      cwd: options.repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NODE_ENV: 'production', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(options.logFile);
    const lines: string[] = [];
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        log.write(chunk);
        lines.push(...chunk.toString().split('\n').filter(Boolean));
      });
    }
    child.once('exit', () => log.end());
    const started = new CompiledProcess(options.role, child, lines);
    await started.waitUntilReady(options);
    return started;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Peak resident memory since the process started (VmHWM), in bytes. */
  peakRssBytes(): number {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    if (!match) throw new Error(`no VmHWM for process ${this.pid}`);
    return Number(match[1]) * 1024;
  }

  /** Log lines matching `pattern` so far. */
  linesMatching(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line));
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 'SIGTERM', 20_000);
  }

  private async waitUntilReady(options: StartOptions): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${options.role} exited with ${this.child.exitCode}; see ${options.logFile}`);
      if (options.role === 'worker' ? this.linesMatching(/worker started/).length > 0 : await answers(`http://127.0.0.1:${options.env.PORT}/health`)) return;
      await sleep(50);
    }
    throw new Error(`${options.role} did not start within 60 s; see ${options.logFile}`);
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}
