/**
 * Child processes of the benchmark. Each is started through `bash -c 'ulimit -n <hard>; exec …'`:
 * a soft open-file limit below the hard one would cap a process at ~1,000 sockets on many machines,
 * and only the process itself can raise it (the hard limit, 20,000 here, stays the ceiling).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

export interface SpawnOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdio: StdioOptions;
  /** Use the IPC channel's structured-clone serialization (typed arrays travel as they are). */
  readonly advancedIpc?: boolean;
}

/** Spawns `command args…` with the soft open-file limit raised to the hard limit. The child's pid is the command's. */
export function spawnWithFileLimit(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const script = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
  const child = spawn('bash', ['-c', script, 'bash', command, ...args], {
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
