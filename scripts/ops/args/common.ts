/** Shared argument handling of the operations commands: strict parsing, typed values, usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OpsError } from '../outcome.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, with its errors turned into `USAGE` errors that show the help. */
export function parseStrict<T extends Options>(
  argv: readonly string[],
  options: T,
  help: string,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
  } catch (error) {
    throw new OpsError('USAGE', `${(error as Error).message}\n\n${help}`);
  }
}

/** A positive (or, with `allowZero`, non-negative) number of seconds, as milliseconds. */
export function secondsOption(name: string, raw: string, help: string, allowZero = false): number {
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || (seconds === 0 && !allowZero)) {
    throw new OpsError(
      'USAGE',
      `--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds, got "${raw}".\n\n${help}`,
    );
  }
  return Math.round(seconds * 1000);
}

/** `on`/`off` (also `true`/`false`) for `--websocket`. */
export function onOffOption(name: string, raw: string, help: string): boolean {
  if (/^(on|true)$/i.test(raw)) return true;
  if (/^(off|false)$/i.test(raw)) return false;
  throw new OpsError('USAGE', `--${name} must be on or off, got "${raw}".\n\n${help}`);
}

/** A Kubernetes namespace name (RFC 1123 label). */
export function namespaceOption(raw: string, help: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(raw))
    throw new OpsError('USAGE', `--namespace must be a Kubernetes namespace name, got "${raw}".\n\n${help}`);
  return raw;
}
