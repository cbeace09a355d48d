import { describe, expect, it } from 'vitest';
import { assertCanConfirm, confirmationMode, isYes } from '../../../scripts/ops/confirm.js';
import { EXIT_CODES, OpsError } from '../../../scripts/ops/outcome.js';

describe('confirmation', () => {
  it('skips with --yes, asks on a terminal, refuses without one', () => {
    expect(confirmationMode({ yes: true, isTTY: false })).toBe('skip');
    expect(confirmationMode({ yes: false, isTTY: true })).toBe('ask');
    expect(confirmationMode({ yes: false, isTTY: false })).toBe('refuse');
  });

  it('takes y and yes in any case as yes, everything else as no', () => {
    expect(['y', 'Y', 'yes', ' YES \n'].every(isYes)).toBe(true);
    expect(['', 'n', 'no', 'yep', 'sure'].some(isYes)).toBe(false);
  });

  it('refuses without a terminal with NO_TTY (exit 2)', () => {
    const notATerminal = { isTTY: false } as NodeJS.ReadStream;
    expect(() => assertCanConfirm(false, notATerminal)).toThrow(OpsError);
    expect(() => assertCanConfirm(true, notATerminal)).not.toThrow();
    expect(EXIT_CODES.NO_TTY).toBe(2);
    expect(EXIT_CODES.PREFLIGHT).toBe(3);
  });
});
