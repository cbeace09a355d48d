/**
 * The one place the operations commands start other programs (pulumi, kubectl, gcloud). Everything
 * else receives a {@link CommandRunner}, so plans and parsers are tested without processes and the
 * scripts are tested against stand-in executables on `PATH`.
 */
import { spawn } from 'node:child_process';

/** What a finished command left behind. */
export interface CommandResult {
  /** Exit status; `null` when the program could not be started or died by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the executable is not on `PATH` (ENOENT), so preflight can say how to install it. */
  readonly missing: boolean;
}

export interface RunOptions {
  /**
   * Also copy the program's output to this process's stdout/stderr while it runs, for long commands
   * such as `pulumi up` whose progress the operator wants to watch.
   * @default false
   */
  readonly stream?: boolean;
}

export type CommandRunner = (command: string, args: readonly string[], options?: RunOptions) => Promise<CommandResult>;

/** Runs `command args` without a shell (arguments are never re-parsed) and with no stdin. */
export const runCommand: CommandRunner = (command, args, options = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (options.stream) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      if (options.stream) process.stderr.write(chunk);
    });
    const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');
    child.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ code: null, stdout: text(stdout), stderr: error.message, missing: error.code === 'ENOENT' });
    });
    child.once('close', (code) => resolve({ code, stdout: text(stdout), stderr: text(stderr), missing: false }));
  });

/** `command args` as an operator would type it, for plans and error messages. */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(quoteForShell).join(' ');
}

function quoteForShell(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
