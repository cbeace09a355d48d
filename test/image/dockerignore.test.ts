/**
 * The build context: .dockerignore is an allowlist, so secrets and bulky folders can never reach a
 * builder, whatever appears in the checkout. (The real build in build-image.test.ts proves the list is
 * enough to build.)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const rules = readFileSync(fileURLToPath(new URL('../../.dockerignore', import.meta.url)), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('.dockerignore', () => {
  it('ignores everything first, then re-includes only what the build reads', () => {
    expect(rules[0]).toBe('*');
    const included = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1).replace(/\/$/, ''));
    expect(included.sort()).toEqual([
      'app',
      'package-lock.json',
      'package.json',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
  });

  it('excludes secrets and generated folders even inside the re-included ones, after the re-includes', () => {
    const lastInclude = rules.map((r) => r.startsWith('!')).lastIndexOf(true);
    const laterExcludes = rules.slice(lastInclude + 1);
    for (const pattern of [
      '**/.env',
      '**/.env.*',
      '**/*.pem',
      '**/*.key',
      '**/node_modules',
      '**/dist',
      '**/build',
      '**/test-output',
    ]) {
      expect(laterExcludes).toContain(pattern);
    }
  });
});
