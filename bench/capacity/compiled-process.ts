/**
 * The compiled build, as the image runs it: `npm run build`, then `node build/app/server/main.js`
 * and `node build/app/worker/main.js` (kit/app-processes.ts) with the environment the manifests give
 * each container.
 */
import { spawn } from 'node:child_process';
import { startWebProcess, startWorkerProcess, type AppRole } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';

/** Runs `npm run build` in `repoRoot`; throws with its output when it fails. */
export async function buildCompiled(repoRoot: string): Promise<void> {
  const child = spawn('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run build failed (${code}):\n${output}`);
}

export interface StartOptions {
  readonly repoRoot: string;
  readonly role: AppRole;
  readonly env: Readonly<Record<string, string>>;
  /** Where its output goes. */
  readonly logFile: string;
}

/**
 * Starts one compiled process in production mode and resolves once it is ready (60 s at most). The
 * worker's metrics listener takes a free port: the manifests' fixed one is a pod's own, and on a
 * shared machine a test's worker may hold it; the run reads memory from /proc, not from `/metrics`.
 */
export async function startCompiled(options: StartOptions): Promise<NodeProcess> {
  const env = { NODE_ENV: 'production', ...options.env, WORKER_METRICS_PORT: '0' };
  const how = {
    build: 'compiled',
    cwd: options.repoRoot,
    output: { file: options.logFile, lines: true },
    readyTimeoutMs: 60_000,
  } as const;
  return options.role === 'web' ? startWebProcess(env, how) : startWorkerProcess(env, how);
}
