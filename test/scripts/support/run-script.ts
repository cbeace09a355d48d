/** Runs one of the operations scripts as `npm run` would (`node --import tsx scripts/X.ts`). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../kit/repo-root.js';

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ScriptOptions {
  /** The whole environment besides HOME (PATH included: pass the stand-ins' folder). */
  readonly env: Record<string, string>;
  /**
   * Run under a pseudo-terminal (util-linux `script`), with `input` typed into it, to exercise the
   * confirmation prompt. Without it stdin is not a terminal.
   */
  readonly ttyInput?: string;
}

export function runScript(script: string, args: readonly string[], options: ScriptOptions): Promise<ScriptRun> {
  const node = [process.execPath, '--import', 'tsx', join(REPO_ROOT, 'scripts', script), ...args];
  const [command, commandArgs] =
    options.ttyInput === undefined
      ? [node[0]!, node.slice(1)]
      : ['/usr/bin/script', ['-qec', node.map(shellQuote).join(' '), '/dev/null']];
  const child = spawn(command, commandArgs, {
    cwd: REPO_ROOT,
    env: { HOME: process.env.HOME ?? '/root', ...options.env },
    stdio: [options.ttyInput === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.ttyInput !== undefined) child.stdin!.end(options.ttyInput);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve) =>
    child.once('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    ),
  );
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The lines of `text` that start with PASS or FAIL, as `[verdict, name]` pairs. */
export function checkLines(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .filter((line) => /^(PASS|FAIL) /.test(line))
    .map((line) => {
      const [verdict, name] = line.split(' ');
      return [verdict!, name!];
    });
}
