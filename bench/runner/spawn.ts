/**
 * Child processes of the benchmark, each with its soft open-file limit raised to the hard one
 * (kit/file-limit.ts): a server or load generator holds thousands of sockets.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { withRaisedFileLimit } from '../../kit/file-limit.js';

export interface SpawnOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdio: StdioOptions;
  /** Use the IPC channel's structured-clone serialization (typed arrays travel as they are). */
  readonly advancedIpc?: boolean;
}

/** Spawns `command args…` with the soft open-file limit raised to the hard limit. The child's pid is the command's. */
export function spawnWithFileLimit(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const [shell, shellArgs] = withRaisedFileLimit(command, args);
  const child = spawn(shell, shellArgs, {
    cwd: options.cwd,
    env: options.env,
    stdio: options.stdio,
    serialization: options.advancedIpc ? 'advanced' : 'json',
  });
  child.on('error', () => undefined);
  return child;
}

/** Resolves with the exit code once the child exited; sends SIGKILL if it outlives `graceMs` after `signal`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
