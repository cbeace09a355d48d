/**
 * The commands: `npm run synth` and `npx cdk8s synth` write the same deterministic files, offline,
 * equal to the in-process synthesis; the entry reads the documented overrides and refuses bad ones.
 * These run real processes; the environment is cleared so a developer's NAMESPACE or IMAGE cannot leak in.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultManifestOptions } from '../../../infra/k8s/options.js';
import { synthesizeManifests } from '../../../infra/k8s/synthesize.js';
import { parseManifestYaml } from '../../../infra/k8s/validation/validate-manifests.js';
import { REPO_ROOT } from '../../../kit/repo-root.js';
import { envByName, findObject, onlyContainer, parseObjects } from './support/manifests.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      // No proxy, no registry: the cdk8s upgrade check is off so the run is quiet and offline.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', CDK8S_CHECK_UPGRADE: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `*.k8s.yaml` file name → content. */
function readManifests(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.k8s.yaml'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pl-synth-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// Each test starts Node processes (npm, tsx, cdk8s-cli); on a busy 2-core machine that is slow, so
// the ceiling is generous. Nothing here asserts on time.
const processTimeoutMs = 180_000;

// MONITORING=gmp by default: the PodMonitoring objects are part of the default output.
const expectedFiles = [
  '0000-namespace.k8s.yaml',
  '0001-redis.k8s.yaml',
  '0002-rq-worker.k8s.yaml',
  '0003-web.k8s.yaml',
  '0004-monitoring.k8s.yaml',
];
const distDir = join(REPO_ROOT, 'dist');

describe('npm run synth and npx cdk8s synth', () => {
  it(
    'write the same files to dist/, equal to the in-process synthesis, every time',
    async () => {
      const cdk8s = await run('npx', ['cdk8s', 'synth']);
      expect(cdk8s.code, cdk8s.stderr).toBe(0);
      const fromCdk8s = readManifests(distDir);
      expect([...fromCdk8s.keys()]).toEqual(expectedFiles);

      // A stale manifest is removed; other files in dist/ are left alone.
      writeFileSync(join(distDir, '0009-stale.k8s.yaml'), 'kind: Stale\n');
      writeFileSync(join(distDir, 'keep.txt'), 'not a manifest\n');
      const npm = await run('npm', ['run', 'synth']);
      expect(npm.code, npm.stderr).toBe(0);
      expect(readManifests(distDir)).toEqual(fromCdk8s);
      expect(existsSync(join(distDir, 'keep.txt'))).toBe(true);
      rmSync(join(distDir, 'keep.txt'));

      const again = await run('npm', ['run', 'synth']);
      expect(again.code, again.stderr).toBe(0);
      expect(readManifests(distDir)).toEqual(fromCdk8s);

      const inProcess = parseManifestYaml(synthesizeManifests(defaultManifestOptions));
      expect([...fromCdk8s.values()].flatMap((text) => parseManifestYaml(text))).toEqual(inProcess);
    },
    processTimeoutMs,
  );

  it(
    'write to CDK8S_OUTDIR when set (what cdk8s synth --output and --stdout use)',
    async () => {
      const dir = tempDir();
      const result = await run('npm', ['run', 'synth'], { CDK8S_OUTDIR: dir });
      expect(result.code, result.stderr).toBe(0);
      expect([...readManifests(dir).keys()]).toEqual(expectedFiles);
      expect(result.stdout).toContain(`synth: wrote ${dir}/0003-web.k8s.yaml`);
    },
    processTimeoutMs,
  );

  it(
    'apply IMAGE, ENABLE_WEBSOCKET, SESSION_AFFINITY and NAMESPACE from the environment',
    async () => {
      const dir = tempDir();
      const result = await run('npm', ['run', 'synth'], {
        CDK8S_OUTDIR: dir,
        IMAGE: 'registry.example/personalizedline:v7',
        ENABLE_WEBSOCKET: 'false',
        SESSION_AFFINITY: 'ClientIP',
        NAMESPACE: 'demo',
      });
      expect(result.code, result.stderr).toBe(0);
      const objects = [...readManifests(dir).values()].flatMap((text) => parseObjects(text));
      const web = onlyContainer(findObject(objects, 'Deployment', 'web'));
      expect(web.image).toBe('registry.example/personalizedline:v7');
      expect(onlyContainer(findObject(objects, 'Deployment', 'rq-worker')).image).toBe(
        'registry.example/personalizedline:v7',
      );
      expect(envByName(web).get('ENABLE_WEBSOCKET')?.value).toBe('false');
      expect(findObject(objects, 'Service', 'web').spec!.sessionAffinity).toBe('ClientIP');
      expect(findObject(objects, 'Namespace', 'demo')).toBeDefined();
      expect(
        new Set(
          objects.filter((o) => o.kind !== 'Namespace' && o.kind !== 'StorageClass').map((o) => o.metadata.namespace),
        ),
      ).toEqual(new Set(['demo']));
    },
    processTimeoutMs,
  );

  it(
    'write the edge objects with EDGE=ingress DOMAIN=..., and refuse EDGE=ingress without DOMAIN',
    async () => {
      const dir = tempDir();
      const result = await run('npm', ['run', 'synth'], {
        CDK8S_OUTDIR: dir,
        EDGE: 'ingress',
        DOMAIN: 'api.example.com',
      });
      expect(result.code, result.stderr).toBe(0);
      expect([...readManifests(dir).keys()]).toEqual([...expectedFiles, '0005-edge.k8s.yaml']);
      const edge = parseObjects(readManifests(dir).get('0005-edge.k8s.yaml')!).map(
        (o) => `${o.kind} ${o.metadata.name}`,
      );
      expect(edge).toEqual([
        'Ingress web',
        'ManagedCertificate web',
        'BackendConfig web',
        'FrontendConfig web',
        'NetworkPolicy web',
      ]);

      const refused = await run('npm', ['run', 'synth'], { CDK8S_OUTDIR: join(dir, 'none'), EDGE: 'ingress' });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('DOMAIN: is required with EDGE=ingress');
      expect(existsSync(join(dir, 'none'))).toBe(false);
    },
    processTimeoutMs,
  );

  it(
    'write PodMonitoring web and rq-worker with MONITORING=gmp, and no monitoring objects with MONITORING=none',
    async () => {
      const gmp = tempDir();
      expect((await run('npm', ['run', 'synth'], { CDK8S_OUTDIR: gmp, MONITORING: 'gmp' })).code).toBe(0);
      const monitoring = parseObjects(readManifests(gmp).get('0004-monitoring.k8s.yaml')!).map(
        (o) => `${o.kind} ${o.metadata.name}`,
      );
      expect(monitoring).toEqual(['PodMonitoring web', 'PodMonitoring rq-worker', 'NetworkPolicy rq-worker']);

      const none = tempDir();
      const result = await run('npm', ['run', 'synth'], { CDK8S_OUTDIR: none, MONITORING: 'none' });
      expect(result.code, result.stderr).toBe(0);
      expect([...readManifests(none).keys()]).toEqual(expectedFiles.slice(0, 4));
      expect([...readManifests(none).values()].join('\n')).not.toContain('PodMonitoring');
    },
    processTimeoutMs,
  );

  it(
    'write autoscalers and disruption budgets with WEB_MAX_REPLICAS=4 WORKER_MAX_REPLICAS=3, and no Redis with REDIS=external',
    async () => {
      const dir = tempDir();
      const scaled = await run('npm', ['run', 'synth'], {
        CDK8S_OUTDIR: dir,
        WEB_MAX_REPLICAS: '4',
        WORKER_MAX_REPLICAS: '3',
      });
      expect(scaled.code, scaled.stderr).toBe(0);
      const objects = [...readManifests(dir).values()].flatMap((text) => parseObjects(text));
      for (const [name, max] of [
        ['web', 4],
        ['rq-worker', 3],
      ] as const) {
        expect(findObject(objects, 'HorizontalPodAutoscaler', name).spec).toMatchObject({
          minReplicas: 1,
          maxReplicas: max,
        });
        expect(findObject(objects, 'PodDisruptionBudget', name).spec!.maxUnavailable).toBe(1);
        expect(findObject(objects, 'Deployment', name).spec).not.toHaveProperty('replicas');
      }

      const external = tempDir();
      const result = await run('npm', ['run', 'synth'], { CDK8S_OUTDIR: external, REDIS: 'external' });
      expect(result.code, result.stderr).toBe(0);
      expect([...readManifests(external).keys()]).toEqual([
        '0000-namespace.k8s.yaml',
        '0001-rq-worker.k8s.yaml',
        '0002-web.k8s.yaml',
        '0003-monitoring.k8s.yaml',
      ]);
      const kinds = [...readManifests(external).values()]
        .flatMap((text) => parseObjects(text))
        .map((o) => `${o.kind} ${o.metadata.name}`);
      expect(kinds).toEqual([
        'Namespace personalizedline',
        'Deployment rq-worker',
        'Deployment web',
        'Service web',
        'PodMonitoring web',
        'PodMonitoring rq-worker',
        'NetworkPolicy rq-worker',
      ]);
    },
    processTimeoutMs,
  );

  it(
    'refuse bad overrides with one message naming each, and write nothing',
    async () => {
      const dir = join(tempDir(), 'out');
      const result = await run('npm', ['run', 'synth'], {
        CDK8S_OUTDIR: dir,
        ENABLE_WEBSOCKET: 'yes',
        SESSION_AFFINITY: 'Sticky',
        NAMESPACE: 'Not_Valid',
        MONITORING: 'prometheus',
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('ENABLE_WEBSOCKET: must be "true" or "false" (got "yes")');
      expect(result.stderr).toContain('SESSION_AFFINITY: must be "None" or "ClientIP" (got "Sticky")');
      expect(result.stderr).toContain('NAMESPACE: must be a DNS label');
      expect(result.stderr).toContain('MONITORING: must be "gmp" or "none" (got "prometheus")');
      expect(existsSync(dir)).toBe(false);
    },
    processTimeoutMs,
  );

  it(
    'refuse sizes that cannot fit, naming the numbers, and write nothing',
    async () => {
      const dir = join(tempDir(), 'out');
      const result = await run('npm', ['run', 'synth'], { CDK8S_OUTDIR: dir, UPLOAD_CONCURRENCY: '40' });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'sizing: web: 100 MiB idle + 40 max-size uploads × 4 MiB = 260 MiB ≤ 75 % of the 256Mi limit (192 MiB) does not hold',
      );
      expect(existsSync(dir)).toBe(false);
    },
    processTimeoutMs,
  );
});
