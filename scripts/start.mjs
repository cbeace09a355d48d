#!/usr/bin/env node
// `npm start` on a fresh clone: install the npm packages when they are missing or older than the
// lock file, then hand over to the TypeScript launcher. Plain JavaScript, because before `npm ci`
// there is no tsx to run TypeScript with.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { requireNode } from './require-node.mjs';

// Before anything is installed: on an older Node, one line saying how to get the right one.
requireNode();

const installed = existsSync('node_modules/.package-lock.json') && existsSync('node_modules/.bin/tsx');
const stale = installed && statSync('package-lock.json').mtimeMs > statSync('node_modules/.package-lock.json').mtimeMs;
if (!installed || stale) {
  console.error(
    installed ? 'start: package-lock.json changed; running npm ci…' : 'start: installing npm packages (npm ci)…',
  );
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('start: npm ci failed; fix the error above and run npm start again.');
    process.exit(result.status ?? 1);
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local-stack/run.ts'], { stdio: 'inherit' });
// Ctrl-C reaches the whole process group; the launcher does the orderly shutdown, we only wait for it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => undefined);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
