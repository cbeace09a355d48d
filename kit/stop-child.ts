/**
 * Stopping a child process the way an orchestrator does: a polite signal first (web and worker drain
 * on SIGTERM), then SIGKILL once if it is still there after a grace period, so a hung child can never
 * keep a test, a benchmark or `npm start` from ending.
 */
import type { ChildProcess } from 'node:child_process';

export interface StopChildOptions {
  /** The first signal. @default 'SIGTERM' */
  readonly signal?: NodeJS.Signals;
  /** How long the child may take to exit after `signal` before it gets SIGKILL. @default 20_000 */
  readonly graceMs?: number;
}

/** Whether `child` has exited (by itself or by a signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves once `child` exited: with its exit code, or null when a signal ended it. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  if (hasExited(child)) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Resolves once `child` exited and its output streams closed: with its exit code, or null after a signal. */
export function closeOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (hasExited(child) && (child.stdout?.closed ?? true) && (child.stderr?.closed ?? true)) resolve(child.exitCode);
    else child.once('close', (code) => resolve(code));
  });
}

/**
 * Sends `signal` and resolves with the exit code once the child exited; SIGKILL follows once if it
 * outlives the grace period. A child that already exited answers at once.
 */
export async function stopChild(child: ChildProcess, options: StopChildOptions = {}): Promise<number | null> {
  if (hasExited(child)) return child.exitCode;
  const exited = exitOf(child);
  child.kill(options.signal ?? 'SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? 20_000);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
