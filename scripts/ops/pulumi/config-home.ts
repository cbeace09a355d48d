/**
 * The config home: the one place a stack's settings live, read by operators and CI alike, and where
 * the rollbacks write so what they set survives the next deploy from git.
 *
 * - A stack file that names ESC environments (`environment:` in `Pulumi.<stack>.yaml`) keeps its
 *   settings in the first of them: every `pulumi` command (and so CI) reads it, and `pulumi env set`
 *   changes it for everyone at once, versioned. Values in the stack file itself would override it on
 *   one machine only (explicit stack config wins over ESC), so the rollbacks' keys must not be there.
 * - A stack file without environments (a self-managed backend, where ESC does not exist) is its own
 *   home: `pulumi config set` writes it, and the change reaches CI only once that file is committed.
 *
 * Parsing and plans are pure; reading the file is the only I/O.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Step } from '../plan.js';
import { CONFIG_KEYS, PULUMI_DIR, pulumiArgs, type StackTarget } from './pulumi-project.js';

export type ConfigHome =
  /** The ESC environment the settings live in. */
  | { readonly kind: 'esc'; readonly environment: string }
  /** `Pulumi.<stack>.yaml` itself. */
  | { readonly kind: 'stack-file'; readonly file: string };

/** What the config home must own: the keys the rollbacks and `deploy --unpin/--websocket` change. */
export const HOME_KEYS = [CONFIG_KEYS.enableWebsocket, CONFIG_KEYS.imageDigestOverride] as const;
export type HomeKey = (typeof HOME_KEYS)[number];

/** The parts of a stack file that matter here. */
export interface StackFile {
  readonly environments: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
}

/** The name of stack `stack`'s file. */
export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

/** Parses a stack file's text; an absent or empty file has neither environments nor config. Pure. */
export function parseStackFile(text: string | undefined): StackFile {
  const parsed = (text ? parse(text) : undefined) as { environment?: unknown; config?: unknown } | null | undefined;
  const environment = parsed?.environment;
  // `environment:` is a list of names, or (older CLIs) an object with an `imports` list.
  const names = Array.isArray(environment) ? environment : (environment as { imports?: unknown } | undefined)?.imports;
  return {
    environments: Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [],
    config:
      typeof parsed?.config === 'object' && parsed.config !== null ? (parsed.config as Record<string, unknown>) : {},
  };
}

/** The home of `stack`: the first environment its file names, else the file itself. Pure. */
export function configHomeOf(stackFile: StackFile, stack: string): ConfigHome {
  const first = stackFile.environments[0];
  return first === undefined ? { kind: 'stack-file', file: stackFileName(stack) } : { kind: 'esc', environment: first };
}

/**
 * Keys the stack file sets although an ESC environment is the home: each would hide the home's value
 * on this machine while CI (reading the committed file) uses another. Pure.
 */
export function localOverrides(stackFile: StackFile): HomeKey[] {
  if (stackFile.environments.length === 0) return [];
  return HOME_KEYS.filter((key) => key in stackFile.config);
}

/** Reads the stack file from the project directory; undefined when there is none. */
export function readStackFile(target: StackTarget, stack: string): StackFile {
  try {
    return parseStackFile(readFileSync(join(target.cwd ?? PULUMI_DIR, stackFileName(stack)), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parseStackFile(undefined);
    throw error;
  }
}

/** The ESC property path of a Pulumi config key: `pulumiConfig["project:key"]` (the key holds a colon). */
export function escConfigPath(key: string): string {
  return `pulumiConfig[${JSON.stringify(key)}]`;
}

/** The step that sets `key` to `value` in the home (ESC reads the value as YAML: `false` is a boolean). */
export function setInHome(home: ConfigHome, target: StackTarget, key: HomeKey, value: string, why: string): Step {
  return home.kind === 'esc'
    ? {
        description: `${why} (in ESC environment ${home.environment})`,
        command: 'pulumi',
        args: ['env', 'set', home.environment, escConfigPath(key), value],
      }
    : {
        description: `${why} (in ${home.file})`,
        command: 'pulumi',
        args: pulumiArgs(target, 'config', 'set', key, value),
      };
}

/** The step that removes `key` from the home. */
export function removeFromHome(home: ConfigHome, target: StackTarget, key: HomeKey, why: string): Step {
  return home.kind === 'esc'
    ? {
        description: `${why} (in ESC environment ${home.environment})`,
        command: 'pulumi',
        args: ['env', 'rm', home.environment, escConfigPath(key), '--yes'],
      }
    : { description: `${why} (in ${home.file})`, command: 'pulumi', args: pulumiArgs(target, 'config', 'rm', key) };
}

/**
 * What to say after writing to a stack-file home: the change is on this machine until committed, and
 * CI deploys from git.
 */
export function stackFileNote(home: ConfigHome): string | undefined {
  return home.kind === 'stack-file'
    ? `note: ${home.file} is this stack's config home (it names no ESC environment): commit and push it, or the next deploy from CI will not see this change.`
    : undefined;
}
