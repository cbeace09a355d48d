/**
 * The reference tables of the documentation say what the code does: the README stays short, lists
 * every npm script and every environment variable the app reads with its real default; the synth
 * options table lists every variable `npm run synth` reads with its default; the stack settings table
 * lists every Pulumi config key the program reads; every exported metric is documented.
 */
import * as pulumi from '@pulumi/pulumi';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, type Config } from '../../app/config.js';
import { METRIC } from '../../app/domain/metric-names.js';
import { defaultManifestOptions, manifestEnvVars } from '../../infra/k8s/options.js';
import { readAlertingConfig, readEdgeConfig, readStackConfig } from '../../infra/pulumi/config.js';
import { readMemorystoreConfig } from '../../infra/pulumi/memorystore.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const README = read('README.md');

/** The rows of the first table under `## heading`: each row's cells, the header and rule left out. */
function tableRows(markdown: string, heading: string): string[][] {
  const section = new RegExp(`\\n## ${heading}\\n([\\s\\S]*?)(?=\\n## |$)`).exec(markdown)?.[1] ?? '';
  const table = /(?:^\|.*\|\n)+/m.exec(section)?.[0] ?? '';
  return table
    .trim()
    .split('\n')
    .slice(2)
    .map((row) =>
      row
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

/** The `NAMES` a table's first cell lists in backticks. */
const namesIn = (cell: string): string[] => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!);

/** `WS_PING_INTERVAL_MS` → `wsPingIntervalMs`, the Config field it sets. */
const fieldOf = (name: string): string => name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** What a default cell says, compared with the value the code defaults to. */
function expectDefault(name: string, cell: string, value: unknown): void {
  const literal = /^`([^`]*)`$/.exec(cell)?.[1];
  if (literal !== undefined) expect(String(value), name).toBe(literal);
  else if (cell === 'empty') expect(value, name).toEqual([]);
  else if (cell === 'unset') expect(value, name).toBeUndefined();
  else throw new Error(`${name}: a default cell is a literal in backticks, "empty" or "unset", not "${cell}"`);
}

describe('the README', () => {
  it('is at most 15 KB: the rest lives in docs/', () => {
    expect(Buffer.byteLength(README)).toBeLessThanOrEqual(15 * 1024);
  });

  it('shows every npm script', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    for (const script of scripts) {
      const command = script === 'start' || script === 'test' ? `npm ${script}` : `npm run ${script}`;
      expect(README, command).toMatch(new RegExp(`\`${command}[\` ]`));
    }
  });

  it('lists exactly the environment variables the web server and worker read, with their defaults', () => {
    const rows = tableRows(README, 'Configuration');
    const documented = rows.map((row) => namesIn(row[0]!)[0]);
    const readByApp = new Set<string>();
    const recorder = new Proxy(
      {},
      {
        get: (_, key) => {
          if (typeof key === 'string') readByApp.add(key);
          return undefined;
        },
      },
    );
    expect(() => loadConfig(recorder)).toThrow(/JWT_SECRET is required/);
    expect([...documented].sort()).toEqual([...readByApp].sort());

    const defaults = loadConfig({ JWT_SECRET: 'x'.repeat(32) }) as unknown as Record<string, unknown>;
    for (const [nameCell, defaultCell] of rows) {
      const name = namesIn(nameCell!)[0]!;
      if (name === 'JWT_SECRET') expect(defaultCell).toBe('required');
      else expectDefault(name, defaultCell!, defaults[fieldOf(name) as keyof Config]);
    }
  });
});

describe('docs/websocket.md', () => {
  it('gives the WebSocket settings the defaults the app has', () => {
    const defaults = loadConfig({ JWT_SECRET: 'x'.repeat(32) }) as unknown as Record<string, unknown>;
    const rows = tableRows(read('docs/websocket.md'), 'Settings');
    expect(rows.length).toBeGreaterThan(5);
    for (const [nameCell, defaultCell] of rows) {
      const name = namesIn(nameCell!)[0]!;
      expectDefault(name, defaultCell!, defaults[fieldOf(name)]);
    }
  });
});

describe('docs/kubernetes.md', () => {
  it('lists every variable npm run synth reads, with the option it sets and its default', () => {
    const rows = tableRows(read('docs/kubernetes.md'), 'Synth options');
    const documented = rows.flatMap((row) => namesIn(row[0]!));
    expect([...documented].sort()).toEqual(Object.keys(manifestEnvVars).sort());
    for (const [names, option, defaultCell] of rows) {
      const first = namesIn(names!)[0] as keyof typeof manifestEnvVars;
      const field = manifestEnvVars[first];
      expect(option, first).toContain(`\`${field}\``);
      const value = defaultManifestOptions[field];
      const literal = /^`([^`]*)`$/.exec(defaultCell!)?.[1];
      // A long default (the pinned Redis image) is shortened with "…"; its start must still match.
      if (literal?.endsWith('…')) expect(String(value).startsWith(literal.slice(0, -1)), first).toBe(true);
      else if (literal !== undefined) expect(String(value), first).toBe(literal);
      else
        expect(value === undefined || (Array.isArray(value) && value.length === 0), `${first}: ${defaultCell}`).toBe(
          true,
        );
    }
  });
});

describe('the metrics', () => {
  it('are each documented in docs/websocket.md or docs/monitoring.md', () => {
    const docs = read('docs/websocket.md') + read('docs/monitoring.md');
    for (const name of Object.values(METRIC)) expect(docs, name).toContain(`\`${name}`);
  });
});

/** The stack config keys the Pulumi program's readers ask for, recorded as they call `pulumi.Config`. */
async function pulumiKeysRead(preview: boolean, config: Record<string, string>): Promise<Set<string>> {
  const keys = new Set<string>();
  const methods = [
    'get',
    'getBoolean',
    'getNumber',
    'getObject',
    'getSecret',
    'getSecretObject',
    'require',
    'requireSecret',
  ] as const;
  for (const method of methods) {
    // Taken off the prototype on purpose: the spy below calls it with the Config instance as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = pulumi.Config.prototype[method] as (
      this: pulumi.Config,
      key: string,
      ...rest: unknown[]
    ) => unknown;
    vi.spyOn(pulumi.Config.prototype, method).mockImplementation(function (
      this: pulumi.Config,
      key: string,
      ...rest: unknown[]
    ) {
      keys.add(this.name === 'personalizedline' ? key : `${this.name}:${key}`);
      return original.call(this, key, ...rest);
    });
  }
  // No resource is created: the readers only read config. The mock engine says whether this is a preview.
  await pulumi.runtime.setMocks(
    {
      newResource: () => {
        throw new Error('no resources');
      },
      call: () => ({}),
    },
    'personalizedline',
    'prod',
    preview,
  );
  pulumi.runtime.setAllConfig(config, ['personalizedline:redisPassword']);
  readStackConfig(() => 'tag');
  readEdgeConfig();
  readAlertingConfig();
  readMemorystoreConfig();
  vi.restoreAllMocks();
  return keys;
}

describe('docs/pulumi.md', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads stack config only in the readers the next test calls', () => {
    const readers = execFileSync('git', ['grep', '-l', 'new pulumi.Config(', '--', 'infra', 'scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(readers.trim().split('\n').sort()).toEqual(['infra/pulumi/config.ts', 'infra/pulumi/memorystore.ts']);
  });

  it('lists exactly the stack config keys the Pulumi program reads', async () => {
    // A deploy with the secrets set, and a CI preview without them (which reads its own keys).
    const keysRead = new Set([
      ...(await pulumiKeysRead(false, { 'gcp:project': 'proj', 'personalizedline:redisPassword': 'pw' })),
      ...(await pulumiKeysRead(true, {
        'gcp:project': 'proj',
        'personalizedline:previewSecretChecksum': 'a'.repeat(64),
      })),
    ]);
    const documented = tableRows(read('docs/pulumi.md'), 'Stack settings').flatMap((row) =>
      [...row[0]!.matchAll(/`([\w:]+)`/g)].map((m) => m[1]!),
    );
    expect(keysRead.size).toBeGreaterThan(30);
    expect([...documented].sort()).toEqual([...keysRead].sort());
  });
});
