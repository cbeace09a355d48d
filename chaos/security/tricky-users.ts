/** Pairs of distinct user ids (token `sub`s) that a careless key scheme or comparison would mix up. Pure. */
import fc from 'fast-check';

export const TRICKY_USER_PAIRS: readonly (readonly [string, string])[] = [
  ['alice', 'Alice'],
  ['alice', 'alice '],
  ['caf\u00e9', 'cafe\u0301'],
  ['a:b', 'a%3Ab'],
  ['a:b', 'a'],
  ['x}', 'x'],
  ['{x}', 'x'],
  ['*', 'bob'],
  ['user:jobs', 'user'],
  ['pl:user:x:jobs', 'x'],
  ['1', '01'],
  ['__proto__', 'constructor'],
  ['a/../b', 'b'],
  ['😀', '😁'],
];

/** A pair of different, usable user ids (non-empty, at most 256 characters). */
export function userPairArbitrary(): fc.Arbitrary<readonly [string, string]> {
  const user = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 });
  return fc.oneof(
    fc.constantFrom(...TRICKY_USER_PAIRS),
    fc.tuple(user, user).filter(([a, b]) => a !== b),
  );
}
