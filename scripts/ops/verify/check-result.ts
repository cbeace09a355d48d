/**
 * One verify check's result and its output line. The line format is part of the contract:
 * `PASS <name>  <detail>` or `FAIL <name>  <detail>`, one per check.
 */

export interface CheckResult {
  /** Stable check name: `health`, `ready`, `websocket-job`… */
  readonly name: string;
  readonly ok: boolean;
  /** What was seen (on PASS) or what went wrong and what to do (on FAIL). */
  readonly detail: string;
}

/** Thrown inside a check to fail it with a message meant for the operator. */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailure';
  }
}

export function formatCheck(result: CheckResult): string {
  return `${result.ok ? 'PASS' : 'FAIL'} ${result.name}  ${result.detail.replaceAll('\n', ' ')}`;
}

/** Runs `body` as check `name`: its answer is the PASS detail; anything thrown is the FAIL detail. */
export async function runCheck(name: string, body: () => Promise<string>): Promise<CheckResult> {
  try {
    return { name, ok: true, detail: await body() };
  } catch (error) {
    return { name, ok: false, detail: describeError(error) };
  }
}

/** A one-line reason for an error, including the network cause fetch hides in `cause`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${error.message} (${cause.code}${cause.message ? `: ${cause.message}` : ''})`;
  return error.message;
}
