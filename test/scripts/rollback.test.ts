/**
 * `npm run rollback` against stand-in pulumi, gcloud, gke-gcloud-auth-plugin and kubectl (first and
 * only on PATH). The verify at the end runs for real against local web servers: one started with
 * WebSocket off (the state a quick rollback leads to) and one with it on (after a full rollback).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kit/repo-root.js';
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import {
  IMAGE_A,
  IMAGE_B,
  IMAGE_C,
  NAMESPACE,
  SETTINGS_ENV,
  STACK,
  configValue,
  configWritesSucceed,
  exportedVersion,
  historyEntry,
  pulumiUpSucceeds,
  stackOutputs,
  toolsReady,
} from './support/cloud-answers.js';
import { checkLines, runScript } from './support/run-script.js';
import { createStandIns, type Rule, type StandIns } from './support/stand-in-tools.js';

const SECRET = 'rollback-test-secret-at-least-32-bytes';
const DIR = REPO_ROOT.replace(/\/$/, '');
const ON = `--stack ${STACK} --cwd ${DIR}`;
const UP = `pulumi up --yes --refresh ${ON}`;
/** `pulumi env set` of a key in the config home (the ESC environment Pulumi.prod.yaml names). */
const envSet = (key: string, value: string): string =>
  `pulumi env set ${SETTINGS_ENV} pulumiConfig["personalizedline:${key}"] ${value}`;

const PULUMI_PREFLIGHT = [
  'pulumi version',
  'pulumi whoami',
  `pulumi stack --show-name --cwd ${DIR}`,
  'gcloud --version',
  'gcloud auth list --filter=status:ACTIVE --format=value(account)',
  'gcloud auth application-default print-access-token',
  'gke-gcloud-auth-plugin --version',
  `pulumi env open ${SETTINGS_ENV} pulumiConfig --format json`,
];
const KUBECTL_PREFLIGHT = [
  'gcloud --version',
  'gcloud auth list --filter=status:ACTIVE --format=value(account)',
  'gke-gcloud-auth-plugin --version',
  'kubectl version --client',
  `kubectl get deployment web -n ${NAMESPACE} -o name`,
];

describe('npm run rollback', () => {
  let redis: RedisServer;
  let web: WebProcess;
  let pollingWeb: WebProcess;
  let worker: NodeProcess;
  let standIns: StandIns | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, JWT_SECRET: SECRET, ROW_DELAY_MS: '10' };
    [web, pollingWeb, worker] = await Promise.all([
      startWebProcess(env),
      startWebProcess({ ...env, ENABLE_WEBSOCKET: 'false' }),
      startWorkerProcess(env),
    ]);
  });

  afterEach(() => standIns?.remove());

  afterAll(async () => {
    await Promise.all([web?.stop(), pollingWeb?.stop(), worker?.stop()]);
    await redis?.destroy();
  });

  const tools = (rules: Rule[], url: string): StandIns => {
    standIns = createStandIns([
      ...rules,
      ...toolsReady(),
      configValue('personalizedline:imageDigestOverride', undefined),
      configValue('personalizedline:enableWebsocket', undefined),
      configValue('personalizedline:jwtSecret', SECRET),
      ...configWritesSucceed(),
      pulumiUpSucceeds(),
      stackOutputs(url),
      { tool: 'kubectl', match: ['set', 'env'], stdout: 'deployment.apps/web env updated\n' },
      {
        tool: 'kubectl',
        match: ['rollout', 'status'],
        stdout:
          'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\ndeployment "web" successfully rolled out\n',
      },
    ]);
    return standIns;
  };
  const rollback = (args: string[], extraEnv: Record<string, string> = {}, ttyInput?: string) =>
    runScript('rollback.ts', args, { env: { PATH: standIns!.dir, ...extraEnv }, ttyInput });

  describe('quick', () => {
    it('turns WebSocket off in the config home, pins the running image, runs pulumi up, then verifies the polling fallback', async () => {
      tools([], pollingWeb.url);
      const run = await rollback(['quick', '--yes']);
      expect(standIns!.calls()).toEqual([
        ...PULUMI_PREFLIGHT,
        `pulumi config get personalizedline:imageDigestOverride ${ON}`,
        `pulumi stack output --json ${ON}`,
        envSet('enableWebsocket', 'false'),
        envSet('imageDigestOverride', IMAGE_C),
        UP,
        `pulumi stack output --json ${ON}`,
        `pulumi config get personalizedline:jwtSecret ${ON}`,
      ]);
      expect(run.stdout).toContain('Quick rollback of stack prod: WebSocket off, clients fall back to polling.');
      expect(run.stdout).toContain(
        `     $ pulumi env set ${SETTINGS_ENV} 'pulumiConfig["personalizedline:enableWebsocket"]' false`,
      );
      expect(checkLines(run.stdout)).toEqual([
        ['PASS', 'health'],
        ['PASS', 'ready'],
        ['PASS', 'config'],
        ['PASS', 'websocket-disabled'],
        ['PASS', 'polling-job'],
        ['PASS', 'job-result'],
      ]);
      expect(run.stdout).toContain('Rolled back and verified.');
      expect(run.stdout).toContain(
        "WebSocket stays off through later deploys (CI's too). To turn it back on: npm run deploy -- --websocket on",
      );
      expect(run.code).toBe(0);
    });

    it('keeps an existing pin (after a full rollback) instead of pinning again', async () => {
      tools([configValue('personalizedline:imageDigestOverride', IMAGE_A)], pollingWeb.url);
      const run = await rollback(['quick', '--yes', '--skip-verify']);
      expect(standIns!.calls().slice(PULUMI_PREFLIGHT.length)).toEqual([
        `pulumi config get personalizedline:imageDigestOverride ${ON}`,
        envSet('enableWebsocket', 'false'),
        UP,
      ]);
      expect(run.code).toBe(0);
    });

    it('fails its verify (exit 1) while the pods still serve WebSocket', async () => {
      tools([], web.url);
      const run = await rollback(['quick', '--yes'], { JWT_SECRET: SECRET });
      expect(run.stdout).toMatch(/^FAIL websocket-disabled /m);
      expect(run.stderr).toContain('Rolled back, but verify failed');
      expect(run.code).toBe(1);
    });

    it('asks on a terminal and changes nothing when the answer is no (exit 4)', async () => {
      tools([], pollingWeb.url);
      const run = await rollback(['quick'], {}, 'no\n');
      expect(run.stdout).toContain('Roll back? [y/N]');
      expect(standIns!.calls().some((c) => c.includes('env set') || c.startsWith('pulumi up'))).toBe(false);
      expect(run.code).toBe(4);
    });

    it('refuses at once without a terminal and without --yes: exit 2, no command run', async () => {
      tools([], pollingWeb.url);
      const run = await rollback(['quick']);
      expect(run.stderr).toContain('Re-run with --yes');
      expect(standIns!.calls()).toEqual([]);
      expect(run.code).toBe(2);
    });
  });

  describe('quick --emergency', () => {
    it('sets ENABLE_WEBSOCKET=false with kubectl, waits for the rollout, says pulumi up restores it, verifies', async () => {
      tools([], pollingWeb.url);
      const run = await rollback(['quick', '--emergency', '--yes', '--url', pollingWeb.url], { JWT_SECRET: SECRET });
      expect(standIns!.calls()).toEqual([
        ...KUBECTL_PREFLIGHT,
        `kubectl set env deployment/web ENABLE_WEBSOCKET=false -n ${NAMESPACE}`,
        `kubectl rollout status deployment/web -n ${NAMESPACE} --timeout=300s`,
      ]);
      expect(run.stdout).toContain('successfully rolled out');
      expect(run.stdout).toContain(
        "the next pulumi up (npm run deploy, or CI's) takes ENABLE_WEBSOCKET back from personalizedline:enableWebsocket",
      );
      expect(checkLines(run.stdout).every(([verdict]) => verdict === 'PASS')).toBe(true);
      expect(run.code).toBe(0);
    });

    it("finds the URL from Service web's load balancer, and says to pass --url when it has none", async () => {
      tools([{ tool: 'kubectl', match: ['get', 'service', 'web'], stdout: '' }], pollingWeb.url);
      const run = await rollback(['quick', '--emergency', '--yes', '--namespace', NAMESPACE], { JWT_SECRET: SECRET });
      expect(standIns!.calls().at(-1)).toBe(
        `kubectl get service web -n ${NAMESPACE} -o jsonpath={.status.loadBalancer.ingress[0].ip}`,
      );
      expect(run.stderr).toContain('has no load balancer IP to verify; pass --url');
      expect(run.code).toBe(1);
    });

    it('stops at preflight when kubectl cannot reach the cluster (exit 3)', async () => {
      tools(
        [
          {
            tool: 'kubectl',
            match: ['get', 'deployment', 'web'],
            code: 1,
            stderr: 'error: You must be logged in to the server (Unauthorized)\n',
          },
        ],
        pollingWeb.url,
      );
      const run = await rollback(['quick', '--emergency', '--yes']);
      expect(run.stdout).toContain(
        'kubectl cannot read deployment/web in namespace personalizedline (error: You must be logged in to the server (Unauthorized)). Run: gcloud container clusters get-credentials',
      );
      expect(standIns!.calls()).toEqual(KUBECTL_PREFLIGHT);
      expect(run.code).toBe(3);
    });
  });

  describe('full', () => {
    const history = (entries: object[]): Rule => ({
      tool: 'pulumi',
      match: ['stack', 'history', '--json'],
      stdout: JSON.stringify(entries),
    });

    it("redeploys the previous release's image by digest from the stack history, without building", async () => {
      tools(
        [
          stackOutputs(web.url, IMAGE_C),
          history([
            historyEntry(6),
            historyEntry(5, { result: 'failed' }),
            historyEntry(4, { kind: 'refresh' }),
            historyEntry(3),
            historyEntry(2),
          ]),
          exportedVersion(6, IMAGE_C),
          exportedVersion(3, IMAGE_B),
          exportedVersion(2, IMAGE_A),
        ],
        web.url,
      );
      const run = await rollback(['full', '--yes']);
      expect(standIns!.calls()).toEqual([
        ...PULUMI_PREFLIGHT,
        `pulumi stack output --json ${ON}`,
        `pulumi stack history --json --page-size 20 ${ON}`,
        `pulumi stack export --version 6 ${ON}`,
        `pulumi stack export --version 3 ${ON}`,
        envSet('imageDigestOverride', IMAGE_B),
        UP,
        `pulumi config get personalizedline:enableWebsocket ${ON}`,
        `pulumi stack output --json ${ON}`,
        `pulumi config get personalizedline:jwtSecret ${ON}`,
      ]);
      expect(run.stdout).toContain(`Full rollback of stack prod: from ${IMAGE_C} to ${IMAGE_B}, without rebuilding.`);
      expect(run.stdout).toContain(`stays pinned to ${IMAGE_B}`);
      expect(checkLines(run.stdout).every(([verdict]) => verdict === 'PASS')).toBe(true);
      expect(run.code).toBe(0);
    });

    it('steps further back when the stack already runs a rolled-back image', async () => {
      tools(
        [
          stackOutputs(web.url, IMAGE_B),
          history([historyEntry(7, { pin: IMAGE_B }), historyEntry(6), historyEntry(5), historyEntry(4)]),
          exportedVersion(6, IMAGE_C),
          exportedVersion(5, IMAGE_B),
          exportedVersion(4, IMAGE_A),
        ],
        web.url,
      );
      const run = await rollback(['full', '--yes', '--skip-verify']);
      expect(standIns!.calls()).toContain(envSet('imageDigestOverride', IMAGE_A));
      expect(standIns!.calls().some((c) => c.includes('--version 7'))).toBe(false);
      expect(run.code).toBe(0);
    });

    it('steps further back also when the pin lives in ESC, where the history does not show it: the checkpoint does', async () => {
      tools(
        [
          stackOutputs(web.url, IMAGE_B),
          history([historyEntry(7), historyEntry(6), historyEntry(5), historyEntry(4)]),
          exportedVersion(7, IMAGE_B, { pinned: true }),
          exportedVersion(6, IMAGE_C),
          exportedVersion(5, IMAGE_B),
          exportedVersion(4, IMAGE_A),
        ],
        web.url,
      );
      const run = await rollback(['full', '--yes', '--skip-verify']);
      expect(run.stdout).toContain("history: version 7 ran a rollback's pinned image, not a release; skipped");
      expect(standIns!.calls()).toContain(envSet('imageDigestOverride', IMAGE_A));
      expect(run.code).toBe(0);
    });

    it('takes --image as given and reads no history', async () => {
      tools([stackOutputs(web.url, IMAGE_C)], web.url);
      const run = await rollback(['full', '--yes', '--skip-verify', '--image', IMAGE_A]);
      expect(standIns!.calls().slice(PULUMI_PREFLIGHT.length)).toEqual([
        `pulumi stack output --json ${ON}`,
        envSet('imageDigestOverride', IMAGE_A),
        UP,
      ]);
      expect(run.code).toBe(0);
    });

    it('says to pass --image when the backend cannot export earlier versions (exit 1, nothing changed)', async () => {
      tools(
        [
          stackOutputs(web.url, IMAGE_C),
          history([historyEntry(2), historyEntry(1)]),
          {
            tool: 'pulumi',
            match: ['stack', 'export', '--version'],
            code: 255,
            stderr:
              'error: the current backend (gs://example-state) does not provide the ability to export previous deployments\n',
          },
        ],
        web.url,
      );
      const run = await rollback(['full', '--yes']);
      expect(run.stderr).toContain('cannot export stack version 2');
      expect(run.stderr).toContain('npm run rollback -- full --image <repository>@sha256:<digest>');
      expect(standIns!.calls().some((c) => c.includes('env set') || c.includes('pulumi up'))).toBe(false);
      expect(run.code).toBe(1);
    });

    it('fails when no earlier release ran another image', async () => {
      tools([stackOutputs(web.url, IMAGE_C), history([historyEntry(1)]), exportedVersion(1, IMAGE_C)], web.url);
      const run = await rollback(['full', '--yes']);
      expect(run.stderr).toContain(`No release older than ${IMAGE_C} ran another image`);
      expect(run.code).toBe(1);
    });
  });

  describe('arguments', () => {
    it.each([
      [[], 'Say which rollback: quick or full'],
      [['sideways'], 'Say which rollback: quick or full (got sideways)'],
      [['full', '--emergency'], '--emergency applies to quick only'],
      [['quick', '--image', IMAGE_A], '--image applies to full only'],
      [['full', '--image', 'gcr.io/p/i:latest'], '--image must name an image by digest'],
      [['quick', '--bogus'], "Unknown option '--bogus'"],
    ])('rejects %j with exit 2', async (args, message) => {
      standIns = createStandIns([], []);
      const run = await rollback(args);
      expect(run.stderr).toContain(message);
      expect(run.code).toBe(2);
    });

    it('prints its help', async () => {
      standIns = createStandIns([], []);
      const run = await rollback(['--help']);
      expect(run.stdout).toContain('Usage: npm run rollback -- quick|full');
      expect(run.code).toBe(0);
    });
  });
});
