/** Job ids no one may use: traversal, unicode, 10 KB, Redis key syntax, real ids of someone else. Pure. */
import fc from 'fast-check';

/** Written into the path verbatim: they test the router, not the id check. */
export const RAW_PATH_IDS: readonly string[] = [
  '..',
  '../..',
  '../../health',
  '..%2f..%2fhealth',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fready',
  '....//....//',
  '..%5c..%5c',
  '.',
  '%00',
  '%0d%0aSet-Cookie:x=1',
  '%252e%252e',
  '*',
  '%2A',
  ';',
  'a;b=c',
  '%',
  '%zz',
  '%E0%A4%A',
];

/** Redis key and channel syntax glued to ids: a key must never be built from these. */
export const KEY_SYNTAX_IDS: readonly string[] = [
  'pl:job:*',
  '*',
  '{x}',
  '00000000-0000-4000-8000-000000000000:input',
  '00000000-0000-4000-8000-000000000000:result',
  'job_progress:*',
  '\r\nFLUSHALL\r\n',
  'a b',
  '[a-z]*',
  '?',
  '\\',
  'pl:user:x:jobs',
  'pl:jobs:open',
];

/**
 * Ids to be percent-encoded into a path segment: anything at all (unicode, control characters, key
 * syntax, 10 KB), and well-formed UUIDs that name no job.
 */
export function badJobIdArbitrary(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter(isWellFormed),
    fc.constantFrom(...KEY_SYNTAX_IDS),
    fc.uuid().map((id) => id),
    fc.uuid().map((id) => id.toUpperCase()),
    fc.uuid().map((id) => `${id}\u0000`),
    fc.uuid().map((id) => ` ${id}`),
    fc.integer({ min: 1, max: 10 * 1024 }).map((n) => 'x'.repeat(n)),
    fc.constant('é'.repeat(2_000)),
  );
}

/** Lone surrogates cannot be percent-encoded; every real client would send UTF-8. */
function isWellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
