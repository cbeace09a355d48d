/**
 * One Node major everywhere: package.json's engines is the source, and every place a tool reads a
 * Node version from (nvm, other version managers, the Dockerfile's bases, the GitHub workflows, the
 * lock file) says the same major.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requiredNodeMajor } from '../../scripts/require-node.mjs';
import { REPO_ROOT } from '../../kit/repo-root.js';

const read = (file: string): string => readFileSync(join(REPO_ROOT, file), 'utf8');
const major = requiredNodeMajor();

describe('the Node version the project declares', () => {
  it('is 24 in engines, .nvmrc, .node-version and the lock file', () => {
    expect(major).toBe(24);
    expect(read('.nvmrc').trim()).toBe(String(major));
    expect(read('.node-version').trim()).toBe(String(major));
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string } }> };
    expect(lock.packages['']?.engines?.node).toBe(`>=${major}`);
  });

  it('is the major of both Dockerfile bases', () => {
    const args = Object.fromEntries(
      [...read('Dockerfile').matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m): [string, string] => [m[1]!, m[2]!]),
    );
    expect(args.BASE_IMAGE).toBe(`node:${major}-slim`);
    expect(args.RUNTIME_IMAGE).toBe(`gcr.io/distroless/nodejs${major}-debian13`);
  });

  it.each(['ci.yml', 'deploy.yml'])('is the only Node that %s runs', (name) => {
    const text = read(join('.github/workflows', name));
    const versions = [
      ...[...text.matchAll(/image:\s*node:(\d+)/g)].map((m) => m[1]),
      ...[...text.matchAll(/node-version:\s*['"]?(\d+)/g)].map((m) => m[1]),
      ...[...text.matchAll(/node-version-file:\s*['"]?(\S+?)['"]?\s*$/gm)].map((m) => read(m[1]!).trim()),
    ];
    expect(versions.length, `${name} names no Node version`).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([String(major)]));
  });
});
