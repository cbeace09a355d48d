/**
 * A Node.js program of this checkout as a real child process: a `.ts` entry runs through tsx (as
 * `npm run web` does), a `.js` one as it is (the compiled build). The environment is exactly the
 * given one plus PATH and HOME, so nothing of the caller's environment leaks into what is measured
 * or tested.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, createWriteStream, openSync } from 'node:fs';
import { withRaisedFileLimit } from './file-limit.js';
import { collectLines, type ProcessLines } from './process-lines.js';
import { REPO_ROOT } from './repo-root.js';
import { closeOf, exitOf, stopChild } from './stop-child.js';

/**
 * Where the child's stdout and stderr go: kept as lines (`waitForLine`); this process's own terminal;
 * or a file, also kept as lines when `lines` is set (without, a busy server's log costs the caller
 * nothing).
 */
export type ProcessOutput = 'lines' | 'terminal' | { readonly file: string; readonly lines?: boolean };

export interface NodeProcessOptions {
  /** The child's environment besides PATH and HOME. @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default the checkout's root */
  readonly cwd?: string;
  /** Node flags before the entry, e.g. `--expose-gc` (after tsx's `--import`, so a `.ts` preload works). @default [] */
  readonly nodeArgs?: readonly string[];
  /** Raise the soft open-file limit to the hard one, as a pod has it (thousands of sockets). @default false */
  readonly raiseFileLimit?: boolean;
  /** @default 'lines' */
  readonly output?: ProcessOutput;
  /** An IPC channel (`child.send`); `advanced` sends typed arrays as they are (structured clone). @default none */
  readonly ipc?: 'json' | 'advanced';
}

export interface NodeProcess extends ProcessLines {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null after a signal) once the process exited. */
  readonly exited: Promise<number | null>;
  /** Sends `signal`, SIGKILL after `graceMs`; resolves with the exit code. @default 'SIGTERM', 20_000 */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
  /** Its last lines, or where its output went, for an error message (a closure: safe to pass on unbound). */
  readonly describeOutput: () => string;
}

/** The command line that runs `entry` with `nodeArgs`. */
export function nodeCommand(entry: string, nodeArgs: readonly string[] = []): string[] {
  return [...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []), ...nodeArgs, entry];
}

/** Starts `entry` (a path relative to `cwd`, or absolute). */
export function startNodeProcess(entry: string, options: NodeProcessOptions = {}): NodeProcess {
  const output = options.output ?? 'lines';
  const argv: [string, string[]] = [process.execPath, nodeCommand(entry, options.nodeArgs)];
  const [command, args] = options.raiseFileLimit ? withRaisedFileLimit(...argv) : argv;
  const file = typeof output === 'object' ? output.file : undefined;
  const keepsLines = output === 'lines' || (typeof output === 'object' && output.lines === true);
  const fd = file !== undefined && !keepsLines ? openSync(file, 'w') : undefined;
  const out = keepsLines ? 'pipe' : (fd ?? 'inherit');
  const stdio: StdioOptions = ['ignore', out, out, ...(options.ipc ? ['ipc' as const] : [])];
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...options.env },
    stdio,
    serialization: options.ipc === 'advanced' ? 'advanced' : 'json',
  });
  if (fd !== undefined) closeSync(fd);
  // A failed spawn (a missing cwd) is reported with the output instead of crashing the caller.
  let spawnError = '';
  child.on('error', (error) => {
    spawnError = `could not start ${entry}: ${error.message}\n`;
  });
  // With the output kept, "exited" waits for its end too, so every line is there when it resolves.
  const exited = keepsLines ? closeOf(child) : exitOf(child);
  const lines = keepsLines ? collectLines(child, file === undefined ? undefined : createWriteStream(file)) : undefined;
  const describeOutput = (): string =>
    spawnError +
    (lines ? lines.lines.slice(-20).join('\n') : file !== undefined ? `(see ${file})` : '(written to the terminal)');
  return {
    child,
    exited,
    lines: lines?.lines ?? [],
    waitForLine: lines?.waitForLine ?? (() => Promise.reject(new Error(`the output of ${entry} is not kept as lines`))),
    stop: async (signal = 'SIGTERM', graceMs = 20_000) => {
      await stopChild(child, { signal, graceMs });
      return exited;
    },
    describeOutput,
  };
}
