/**
 * Polling until something a started process provides is there (a port that accepts connections, an
 * endpoint that answers). A process that exits first ends the wait at once with what it wrote,
 * instead of at the deadline.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** @default 30_000 */
  readonly timeoutMs?: number;
  /** Time between two checks. @default 50 */
  readonly intervalMs?: number;
  /** The process that provides it: its exit ends the wait with an error. */
  readonly child?: ChildProcess;
  /** What the process wrote (or where to read it), added to an error. */
  readonly output?: () => string;
}

/**
 * Resolves once `check` answers true. `what` completes "… exited before <what>" and "<what> not
 * within N ms", e.g. `redis-server listened on port 6390`.
 */
export async function waitUntil(what: string, check: () => Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 50, child, output } = options;
  const said = (): string => {
    const text = output?.().trim();
    return text ? `:\n${text}` : '';
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`the process exited (${child.exitCode ?? child.signalCode}) before ${what}${said()}`);
    }
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${said()}`);
    await sleep(intervalMs);
  }
}
