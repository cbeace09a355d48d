/**
 * The confirmation before a change. `--yes` skips it; without a terminal (CI, a pipe) it refuses at
 * once instead of waiting on a stdin that will never answer.
 */
import { createInterface } from 'node:readline/promises';
import { OpsError } from './outcome.js';

export type ConfirmationMode = 'skip' | 'ask' | 'refuse';

/** Pure: what to do given `--yes` and whether stdin is a terminal. */
export function confirmationMode(options: { readonly yes: boolean; readonly isTTY: boolean }): ConfirmationMode {
  if (options.yes) return 'skip';
  return options.isTTY ? 'ask' : 'refuse';
}

/** True when the operator's answer means yes (`y` or `yes`, any case). */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}

/**
 * Throws `NO_TTY` when a confirmation will be needed but cannot be asked: called first thing, so a
 * CI job without `--yes` fails at once instead of after preflight.
 */
export function assertCanConfirm(yes: boolean, input: NodeJS.ReadStream = process.stdin): void {
  if (confirmationMode({ yes, isTTY: input.isTTY === true }) === 'refuse') {
    throw new OpsError(
      'NO_TTY',
      'Confirmation needed, but stdin is not a terminal to ask on. Re-run with --yes to proceed without asking.',
    );
  }
}

/**
 * Resolves when the change may go ahead; throws `NO_TTY` (no terminal and no `--yes`) or
 * `CANCELLED` (the operator said no).
 */
export async function confirmOrThrow(
  question: string,
  yes: boolean,
  input: NodeJS.ReadStream = process.stdin,
): Promise<void> {
  assertCanConfirm(yes, input);
  if (yes) return;
  const prompt = createInterface({ input, output: process.stdout });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    if (!isYes(answer)) throw new OpsError('CANCELLED', 'Cancelled; nothing was changed.');
  } finally {
    prompt.close();
  }
}
