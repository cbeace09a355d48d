/** The quick profile's assertion: a class ran cases, lost nothing, and every case passed. */
import { expect } from 'vitest';
import { quickProfile, seedFrom, type Profile } from '../../chaos/profile.js';
import type { ClassResult } from '../../chaos/report/class-result.js';
import { formatDetails, formatTable } from '../../chaos/report/table.js';

export function testProfile(): Profile {
  return quickProfile(seedFrom(process.env));
}

export function expectClassPasses(result: ClassResult, profile: Profile): void {
  const report = `${formatTable([result])}\n${formatDetails([result])}\n(seed ${profile.seed}; repeat with CHAOS_SEED=${profile.seed})`;
  process.stdout.write(`${report}\n`);
  expect(result.cases, report).toBeGreaterThan(0);
  expect(
    { jobsLost: result.jobsLost, clientsMissingTerminal: result.clientsMissingTerminal, failures: result.failures },
    report,
  ).toEqual({ jobsLost: 0, clientsMissingTerminal: 0, failures: [] });
  expect(result.passed, report).toBe(result.cases);
}
