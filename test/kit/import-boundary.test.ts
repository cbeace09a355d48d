/**
 * `test/` is the only place that may import test helpers: the chaos suite, the benchmark, the ops
 * scripts, the app and the kit run without it (`npm run chaos` on a checkout must not depend on what
 * the tests happen to share). Every source file is read and its import specifiers parsed by the
 * TypeScript compiler (static imports, `export … from`, `import()` and `require()`), not matched by
 * a regular expression, so a multi-line import cannot slip past.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kit/repo-root.js';

/** Top-level folders whose sources must not reach into `test/`. */
const GUARDED = ['app', 'bench', 'chaos', 'infra', 'kit', 'scripts'];
const SOURCE = /\.(?:[cm]?[jt]s|tsx)$/;
const TEST_DIR = resolve(REPO_ROOT, 'test');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier `text` imports or re-exports, as written. */
function importSpecifiers(text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map((file) => file.fileName);
}

/** The specifiers in `text` (the file `file`) that resolve into `test/`. */
function importsFromTest(file: string, text: string): string[] {
  return importSpecifiers(text).filter((specifier) => {
    if (!specifier.startsWith('.')) return false;
    const target = resolve(dirname(file), specifier);
    return target === TEST_DIR || target.startsWith(TEST_DIR + sep);
  });
}

describe('import boundary', () => {
  it('finds every kind of import, wherever it stands in a file', () => {
    const file = join(REPO_ROOT, 'chaos', 'x', 'case.ts');
    const text = [
      "import { a } from '../../kit/free-port.js';",
      "import {\n  b,\n} from '../../test/support/jobs-client.js';",
      "export { c } from '../../test/e2e/support/stack.js';",
      "const d = await import('../../test/support/tls-proxy.js');",
      "const e = require('../../test');",
      "import type { F } from 'ioredis';",
    ].join('\n');
    expect(importsFromTest(file, text)).toEqual([
      '../../test/support/jobs-client.js',
      '../../test/e2e/support/stack.js',
      '../../test/support/tls-proxy.js',
      '../../test',
    ]);
    // A folder whose name only starts with "test" is not the test folder.
    expect(importsFromTest(join(REPO_ROOT, 'bench', 'a.ts'), "import x from '../test-output/x.js';")).toEqual([]);
  });

  it(`no file in ${GUARDED.join('/, ')}/ imports from test/`, () => {
    const files = GUARDED.flatMap((dir) => sourceFiles(join(REPO_ROOT, dir)));
    // The walk itself must have found the sources (an empty walk would pass vacuously).
    for (const dir of GUARDED)
      expect(
        files.some((f) => f.startsWith(join(REPO_ROOT, dir) + sep)),
        dir,
      ).toBe(true);
    const offending = files.flatMap((file) =>
      importsFromTest(file, readFileSync(file, 'utf8')).map(
        (specifier) => `${relative(REPO_ROOT, file)}: ${specifier}`,
      ),
    );
    expect(offending).toEqual([]);
  });
});
