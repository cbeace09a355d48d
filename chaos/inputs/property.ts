/**
 * Runs a fast-check property as cases of a class: every generated input is one case; a failing input
 * is shrunk to a small counterexample and reported with the seed that reproduces it.
 */
import fc from 'fast-check';
import type { Profile } from '../profile.js';
import type { CaseRecorder } from '../report/class-result.js';

/** A check answers why the input was handled wrongly, or undefined when it was handled right. */
export type InputCheck<T> = (input: T) => Promise<string | undefined>;

export interface PropertyOptions {
  /** @default profile.propertyRuns */
  readonly runs?: number;
}

export async function checkProperty<T>(
  recorder: CaseRecorder,
  name: string,
  arbitrary: fc.Arbitrary<T>,
  check: InputCheck<T>,
  profile: Profile,
  options: PropertyOptions = {},
): Promise<void> {
  let executed = 0;
  let lastFailure = '';
  const property = fc.asyncProperty(arbitrary, async (input) => {
    executed++;
    let failure: string | undefined;
    try {
      failure = await check(input);
    } catch (error) {
      failure = `the check threw: ${(error as Error).message}`;
    }
    if (failure !== undefined) {
      lastFailure = failure;
      return false;
    }
    return true;
  });
  const details = await fc.check(property, { numRuns: options.runs ?? profile.propertyRuns, seed: profile.seed });
  // Shrinking re-runs failing inputs; those are not new cases.
  const cases = details.failed ? details.numRuns : executed;
  const example = details.counterexample ? JSON.stringify(details.counterexample[0], replacer).slice(0, 300) : '';
  recorder.checkMany(
    cases,
    details.failed ? 1 : 0,
    `${name}: ${lastFailure} (input ${example}; seed ${details.seed}, path ${details.counterexamplePath ?? '-'})`,
  );
  if (details.errorInstance && !details.failed) recorder.check(name, String(details.errorInstance));
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === 'string' && value.length > 120) return `${value.slice(0, 60)}…(${value.length} chars)`;
  return value;
}
