import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as contract from '../../app/domain/wire-contract.js';
import { findWireLiterals } from './support/wire-literal-scan.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODULE = 'app/domain/wire-contract.ts';
/** What ships or runs against a deployment; tests state the contract's values on purpose. */
const PRODUCT_DIRS = ['app', 'bench', 'chaos', 'infra', 'kit', 'scripts'];

function productSources(): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...PRODUCT_DIRS],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return listed
    .split('\n')
    .filter((file) => /\.(ts|mts|mjs|js|cjs)$/.test(file) && file !== MODULE && existsSync(`${ROOT}${file}`));
}

describe('wire contract', () => {
  it('has the values the external contract states', () => {
    expect(contract.POLL_INTERVAL_MS).toBe(2000);
    expect(contract.PAGE_SIZE).toBe(60);
    expect(contract.MAX_PAGE_LIMIT).toBe(100);
    expect(contract.BEARER_SUBPROTOCOL).toBe('bearer');
    expect({
      normal: contract.CLOSE_NORMAL,
      goingAway: contract.CLOSE_GOING_AWAY,
      abnormal: contract.CLOSE_ABNORMAL,
      tryAgainLater: contract.CLOSE_TRY_AGAIN_LATER,
      unauthorized: contract.CLOSE_UNAUTHORIZED,
      notFound: contract.CLOSE_NOT_FOUND,
      tooManyConnections: contract.CLOSE_TOO_MANY_CONNECTIONS,
    }).toEqual({
      normal: 1000,
      goingAway: 1001,
      abnormal: 1006,
      tryAgainLater: 1013,
      unauthorized: 4401,
      notFound: 4404,
      tooManyConnections: 4429,
    });
  });

  it('gives every close code one name', () => {
    const codes = Object.entries(contract).filter(
      ([name, value]) => name.startsWith('CLOSE_') && typeof value === 'number',
    );
    expect(new Set(codes.map(([, code]) => code)).size).toBe(codes.length);
  });

  it('tells clients to stop only for 4401 and 4404, and to reconnect after everything else', () => {
    expect(contract.closeAction(4401)).toBe('final');
    expect(contract.closeAction(4404)).toBe('final');
    expect(contract.refusalOf(4401)).toBe('unauthorized');
    expect(contract.refusalOf(4404)).toBe('not-found');
    for (const code of [1000, 1001, 1006, 1011, 1013, 4429, 4000, 4500])
      expect(contract.closeAction(code)).toBe('retry');
    expect([...contract.RECONNECT_CLOSE_CODES].sort()).toEqual([1001, 1006, 1013, 4429]);
  });

  it('finds a copied value in code but not in a comment', () => {
    const source = [
      '// the server closes with 4404 here',
      'socket.close(4404);',
      'if (event.code === 1000) done();',
      'const POLL_MS = 2_000;',
      'const limit = query.limit ?? 60;',
      "const protocols = ['bearer', token];",
      "throw new Error('No such job. Check the id.');",
      'const seconds = ms / 1000;',
      'const timeoutMs = 2000;',
    ].join('\n');
    expect(findWireLiterals('sample.ts', source).map((found) => found.line)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('is the only place the tracked sources spell its values', () => {
    const copies = productSources().flatMap((file) => findWireLiterals(file, readFileSync(`${ROOT}${file}`, 'utf8')));
    expect(copies.map((c) => `${c.file}:${c.line} ${c.text}`)).toEqual([]);
  });

  it('is imported by the server, the page, chaos, the benchmark and verify', () => {
    const importers = productSources().filter((file) =>
      /from '[./]*(app\/)?domain\/wire-contract\.js'/.test(readFileSync(`${ROOT}${file}`, 'utf8')),
    );
    for (const area of ['app/server/', 'app/client/', 'chaos/', 'bench/', 'scripts/ops/verify/']) {
      expect(
        importers.some((file) => file.startsWith(area)),
        area,
      ).toBe(true);
    }
  });
});
