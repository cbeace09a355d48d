/**
 * How an operations command ends. Every failure the scripts expect is an {@link OpsError} with a
 * stable code; the code alone decides the exit status, so CI can tell "fix your machine" (preflight)
 * from "the deployment is broken" (a failed step or check).
 */

/** Stable failure codes of the operations commands. */
export type OpsErrorCode =
  /** Bad command-line arguments. */
  | 'USAGE'
  /** Confirmation needed but there is no terminal to ask on (CI without `--yes`). */
  | 'NO_TTY'
  /** A required tool, login or stack is missing; nothing was changed. */
  | 'PREFLIGHT'
  /** The operator answered "no" at the confirmation prompt; nothing was changed. */
  | 'CANCELLED'
  /** A command of the plan failed, or the deployment failed its checks. */
  | 'FAILED';

/** Exit status of each code; 0 is success. */
export const EXIT_CODES: Readonly<Record<OpsErrorCode, number>> = {
  FAILED: 1,
  USAGE: 2,
  NO_TTY: 2,
  PREFLIGHT: 3,
  CANCELLED: 4,
};

export class OpsError extends Error {
  constructor(
    readonly code: OpsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OpsError';
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** Where a command writes its human-readable lines (stdout in the scripts, an array in tests). */
export type Output = (line: string) => void;
