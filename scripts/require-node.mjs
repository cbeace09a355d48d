#!/usr/bin/env node
// The project runs on the Node major that package.json's engines names (>=24). On an older Node the
// failures come from deep inside vitest, Pulumi or npm ci, naming no cause, so `npm start` and
// `npm test` call this first and stop at once with one line that says how to get the right Node.
// Plain JavaScript with no dependencies: it must run on whatever Node the machine happens to have.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The major version package.json's `engines.node` (`>=N`) asks for. */
export function requiredNodeMajor() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const match = /^>=\s*(\d+)/.exec(pkg.engines.node);
  if (!match) throw new Error(`package.json engines.node must read ">=N", not ${JSON.stringify(pkg.engines.node)}`);
  return Number(match[1]);
}

/**
 * The message for a Node that is too old, or undefined when `version` (as in `process.version`) is
 * at least `required`.
 */
export function nodeVersionProblem(version, required, execPath) {
  const major = Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
  if (major >= required) return undefined;
  return (
    `This project needs Node ${required} or newer, but \`node\` here is ${version} (${execPath}). ` +
    `Get Node ${required} with \`nvm install ${required}\` (nvm reads .nvmrc), or \`npm i -g node@${required}\`; ` +
    'then run the command again.'
  );
}

/** Exits with status 1 and the message when the running Node is too old. */
export function requireNode() {
  const problem = nodeVersionProblem(process.version, requiredNodeMajor(), process.execPath);
  if (problem === undefined) return;
  console.error(problem);
  process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) requireNode();
