/**
 * On a machine whose Node is older than the one package.json's engines names, `npm start` and
 * `npm test` stop at once with one line that says how to get the right Node. The commands run for
 * real with such an older Node (found on this machine, e.g. the system's /usr/bin/node), in a copy
 * of the files they read, so a check that failed to stop could not install or test anything here.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeVersionProblem, requiredNodeMajor } from '../../scripts/require-node.mjs';
import { REPO_ROOT } from '../../kit/repo-root.js';

const required = requiredNodeMajor();

/** Every executable named `name` on PATH (like `which -a`), plus the usual system places. */
function executables(name: string, extra: string[] = []): string[] {
  const found = new Map<string, string>();
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...extra]) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      found.set(realpathSync(path), path);
    } catch {
      // not here
    }
  }
  return [...found.values()];
}

async function versionOf(node: string): Promise<string | undefined> {
  return promisify(execFile)(node, ['-v']).then(
    (r) => r.stdout.trim(),
    () => undefined,
  );
}

const majorOf = (version: string): number => Number(/^v(\d+)/.exec(version)?.[1] ?? 0);

const nodes = await Promise.all(
  executables('node', ['/usr/bin', '/usr/local/bin']).map(async (path) => ({ path, version: await versionOf(path) })),
);
const older = nodes.find((n) => n.version !== undefined && majorOf(n.version) < required);
const npm = executables('npm', ['/usr/bin', '/usr/local/bin'])[0];
if (older === undefined || npm === undefined) {
  process.stdout.write(
    `test/scripts/require-node: SKIPPED running npm start/test on an older Node: ${
      npm === undefined
        ? 'npm is not installed'
        : `every Node on this machine is ${required} or newer (${nodes.map((n) => `${n.path} ${n.version ?? '?'}`).join(', ')})`
    }\n`,
  );
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` in `cwd` with only `pathDirs` on PATH. */
function run(command: string, args: string[], cwd: string, pathDirs: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: [...pathDirs, '/usr/bin', '/bin'].join(delimiter), HOME: process.env.HOME ?? '/root' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A check that failed to stop would go on to install or test: stop it and let the assertions say so.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The lines a run printed besides npm's own `> name@version script` / `> command` banner. */
const ownLines = (r: Run): string[] =>
  `${r.stdout}\n${r.stderr}`.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('> '));

describe('the Node version check', () => {
  it('accepts the required major and newer, and names the way to get it otherwise', () => {
    expect(required).toBe(24);
    expect(nodeVersionProblem(`v${required}.0.0`, required, '/x/node')).toBeUndefined();
    expect(nodeVersionProblem('v26.1.0', required, '/x/node')).toBeUndefined();
    for (const old of ['v23.11.1', 'v20.20.2', 'v8.17.0']) {
      const message = nodeVersionProblem(old, required, '/x/node');
      expect(message).toContain(`needs Node ${required}`);
      expect(message).toContain(`${old} (/x/node)`);
      expect(message).toContain(`nvm install ${required}`);
      expect(message).toContain(`npm i -g node@${required}`);
      expect(message).not.toContain('\n');
    }
  });

  it('is silent on the Node these tests run on', async () => {
    expect(majorOf(process.version)).toBeGreaterThanOrEqual(required);
    const result = await run(process.execPath, ['scripts/require-node.mjs'], REPO_ROOT, [dirname(process.execPath)]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe.skipIf(older === undefined || npm === undefined)('npm start and npm test on an older Node', () => {
  let copy: string;
  let pathDirs: string[];

  beforeAll(() => {
    // The files `npm start` and `npm test` read before anything is installed; no node_modules.
    copy = mkdtempSync(join(tmpdir(), 'require-node-'));
    for (const file of ['package.json', '.nvmrc', 'scripts/start.mjs', 'scripts/require-node.mjs']) {
      cpSync(join(REPO_ROOT, file), join(copy, file));
    }
    // The older Node first, so npm and everything it starts run on it.
    pathDirs = [dirname(older!.path), dirname(npm!)];
  });

  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it.each([['test'], ['start']])(
    'npm %s stops with exit code 1 and one line saying how to get Node 24',
    async (script) => {
      const result = await run(npm!, [script], copy, pathDirs);
      const output = `${result.stdout}${result.stderr}`;
      expect(result.code, output).toBe(1);
      expect(ownLines(result), output).toEqual([
        nodeVersionProblem(older!.version!, required, realpathSync(older!.path)),
      ]);
      expect(output).toContain(`\`node\` here is ${older!.version}`);
      // Stopped before anything else: no install was started.
      expect(existsSync(join(copy, 'node_modules'))).toBe(false);
    },
  );
});
