/**
 * A child's output kept line by line, so a caller can wait for the line that says it is ready
 * (`worker started`) and show the last lines when something goes wrong.
 */
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

export interface ProcessLines {
  /** Every complete line written so far (stdout and stderr, in arrival order). */
  readonly lines: string[];
  /**
   * Resolves with the first line matching `pattern`, already written or still to come. Rejects after
   * `timeoutMs`, or once the output ended without one.
   * @default timeoutMs 30_000
   */
  // A function property, not a method: it is a closure over the lines, safe to pass on unbound.
  readonly waitForLine: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
}

interface Waiter {
  readonly pattern: RegExp;
  readonly settle: (line: string | Error) => void;
}

/** Keeps the lines of `child`'s stdout and stderr (both must be pipes), copying the bytes to `copyTo`. */
export function collectLines(child: ChildProcess, copyTo?: Writable): ProcessLines {
  const lines: string[] = [];
  const waiters = new Set<Waiter>();
  const tail = (): string => lines.slice(-20).join('\n');
  const add = (line: string): void => {
    lines.push(line);
    for (const waiter of waiters) {
      if (waiter.pattern.test(line)) waiter.settle(line);
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) throw new Error("collectLines needs the child's stdout and stderr as pipes");
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      copyTo?.write(chunk);
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      parts.forEach(add);
    });
    stream.on('end', () => {
      if (rest !== '') add(rest);
      rest = '';
    });
  }
  // 'close' comes after both streams ended: a line still awaited will not come any more.
  child.once('close', (code, signal) => {
    copyTo?.end();
    for (const waiter of waiters) {
      waiter.settle(
        new Error(
          `the process exited (${code ?? signal}) without a line matching ${waiter.pattern}; output:\n${tail()}`,
        ),
      );
    }
  });

  const waitForLine = (pattern: RegExp, timeoutMs = 30_000): Promise<string> => {
    const existing = lines.find((line) => pattern.test(line));
    if (existing !== undefined) return Promise.resolve(existing);
    if (child.stdout?.readableEnded && child.stderr?.readableEnded) {
      return Promise.reject(new Error(`the process exited without a line matching ${pattern}; output:\n${tail()}`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter.settle(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${tail()}`));
      }, timeoutMs);
      const waiter: Waiter = {
        pattern,
        settle: (line) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          if (line instanceof Error) reject(line);
          else resolve(line);
        },
      };
      waiters.add(waiter);
    });
  };
  return { lines, waitForLine };
}
