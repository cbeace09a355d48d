/**
 * Stand-in `pulumi`, `kubectl`, `gcloud` and `gke-gcloud-auth-plugin` executables for the deploy
 * and rollback tests (no cloud here). Each is a tiny Node script in a temp folder that is put first
 * (and alone) on PATH: it records its arguments and answers with the first matching rule, as the
 * real tool would. A call no rule answers exits 97, so an unexpected command fails the test.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Tool = 'pulumi' | 'kubectl' | 'gcloud' | 'gke-gcloud-auth-plugin';
export const ALL_TOOLS: readonly Tool[] = ['pulumi', 'kubectl', 'gcloud', 'gke-gcloud-auth-plugin'];

export interface Rule {
  readonly tool: Tool;
  /** Words that must all appear in the arguments, in this order (others may sit between). */
  readonly match: readonly string[];
  readonly stdout?: string;
  readonly stderr?: string;
  /** @default 0 */
  readonly code?: number;
}

export interface StandIns {
  readonly dir: string;
  /** Every call so far, as `tool arg arg…`, in order. */
  calls(): string[];
  /** Replaces the rules (e.g. between phases of a test). */
  setRules(rules: readonly Rule[]): void;
  remove(): void;
}

/** Writes stand-ins for `tools` (default all) answering by `rules`. */
export function createStandIns(rules: readonly Rule[], tools: readonly Tool[] = ALL_TOOLS): StandIns {
  const dir = mkdtempSync(join(tmpdir(), 'pl-standins-'));
  const rulesFile = join(dir, 'rules.json');
  const callsFile = join(dir, 'calls.jsonl');
  writeFileSync(rulesFile, JSON.stringify(rules));
  for (const tool of tools) {
    const file = join(dir, tool);
    writeFileSync(file, standInSource(tool, rulesFile, callsFile));
    chmodSync(file, 0o755);
  }
  return {
    dir,
    calls: () =>
      existsSync(callsFile)
        ? readFileSync(callsFile, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => {
              const { tool, args } = JSON.parse(line) as { tool: string; args: string[] };
              return [tool, ...args].join(' ');
            })
        : [],
    setRules: (next) => writeFileSync(rulesFile, JSON.stringify(next)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function standInSource(tool: string, rulesFile: string, callsFile: string): string {
  return `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(callsFile)}, JSON.stringify({ tool: ${JSON.stringify(tool)}, args }) + '\\n');
const rules = JSON.parse(fs.readFileSync(${JSON.stringify(rulesFile)}, 'utf8'));
const inOrder = (words) => { let at = 0; for (const w of words) { at = args.indexOf(w, at); if (at < 0) return false; at++; } return true; };
const rule = rules.find((r) => r.tool === ${JSON.stringify(tool)} && inOrder(r.match));
if (!rule) { process.stderr.write('stand-in ${tool}: no answer for: ' + args.join(' ') + '\\n'); process.exit(97); }
if (rule.stdout) process.stdout.write(rule.stdout);
if (rule.stderr) process.stderr.write(rule.stderr);
process.exitCode = rule.code ?? 0;
`;
}
