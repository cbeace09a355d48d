/**
 * `npm run deploy` against stand-in pulumi, gcloud, gke-gcloud-auth-plugin and kubectl executables
 * (first and only on PATH), whose stack outputs point at a real local stack, so the verify at the
 * end runs for real. The tests assert the exact command sequence, the preflight messages and the
 * exit statuses.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kit/repo-root.js';
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';
import { freePort } from '../../kit/free-port.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import {
  IMAGE_A,
  SETTINGS_ENV,
  STACK,
  configValue,
  configWritesSucceed,
  pulumiUpSucceeds,
  stackOutputs,
  toolsReady,
} from './support/cloud-answers.js';
import { checkLines, runScript } from './support/run-script.js';
import { createStandIns, type Rule, type StandIns } from './support/stand-in-tools.js';

const SECRET = 'deploy-test-secret-at-least-32-bytes';
const DIR = REPO_ROOT.replace(/\/$/, '');
const on = (stack: string): string => `--stack ${stack} --cwd ${DIR}`;

/** The read-only preflight calls on a ready machine, in order: the tools, then the stack. */
const PREFLIGHT_CALLS = [
  'pulumi version',
  'pulumi whoami',
  `pulumi stack --show-name --cwd ${DIR}`,
  'gcloud --version',
  'gcloud auth list --filter=status:ACTIVE --format=value(account)',
  'gcloud auth application-default print-access-token',
  'gke-gcloud-auth-plugin --version',
  `pulumi env open ${SETTINGS_ENV} pulumiConfig --format json`,
  `pulumi config get gcp:project ${on(STACK)}`,
  'gcloud artifacts settings describe --project=example-project --format=value(legacyRedirectionState)',
];
/** The tools' part of it, all a preview runs. */
const TOOL_CALLS = PREFLIGHT_CALLS.slice(0, 7);

describe('npm run deploy', () => {
  let redis: RedisServer;
  let web: WebProcess;
  let worker: NodeProcess;
  let standIns: StandIns | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, JWT_SECRET: SECRET, ROW_DELAY_MS: '10' };
    [web, worker] = await Promise.all([startWebProcess(env), startWorkerProcess(env)]);
  });

  afterEach(() => standIns?.remove());

  afterAll(async () => {
    await Promise.all([web?.stop(), worker?.stop()]);
    await redis?.destroy();
  });

  /** Stand-ins answering `rules` first, then as a healthy deployed stack would. */
  const deployed = (rules: Rule[] = []): StandIns => {
    standIns = createStandIns([
      ...rules,
      ...toolsReady(),
      configValue('personalizedline:imageDigestOverride', undefined),
      configValue('personalizedline:enableWebsocket', undefined),
      configValue('personalizedline:jwtSecret', SECRET),
      ...configWritesSucceed(),
      pulumiUpSucceeds(),
      stackOutputs(web.url),
    ]);
    return standIns;
  };
  const deploy = (args: string[], extraEnv: Record<string, string> = {}, ttyInput?: string) =>
    runScript('deploy.ts', args, { env: { PATH: standIns!.dir, ...extraEnv }, ttyInput });

  it("runs preflight, pulumi up, then verifies the stack's URL with a token minted from the stack's jwtSecret", async () => {
    deployed();
    const run = await deploy(['--yes']);
    expect(standIns!.calls()).toEqual([
      ...PREFLIGHT_CALLS,
      `pulumi config get personalizedline:imageDigestOverride ${on(STACK)}`,
      `pulumi up --yes --refresh ${on(STACK)}`,
      `pulumi config get personalizedline:enableWebsocket ${on(STACK)}`,
      `pulumi stack output --json ${on(STACK)}`,
      `pulumi config get personalizedline:jwtSecret ${on(STACK)}`,
    ]);
    expect(run.stdout).toContain('preflight ok       Pulumi stack: prod');
    expect(run.stdout).toContain(`preflight ok       config home: ESC environment ${SETTINGS_ENV}`);
    expect(run.stdout).toContain('preflight ok       gcr.io redirection: REDIRECTION_FROM_GCR_IO_ENABLED');
    expect(run.stdout).toContain(
      'preflight info     the deployer needs: roles/container.developer, roles/artifactregistry.admin',
    );
    expect(run.stdout).toContain('Resources:'); // pulumi up's own output is shown live
    expect(checkLines(run.stdout)).toEqual([
      ['PASS', 'health'],
      ['PASS', 'ready'],
      ['PASS', 'config'],
      ['PASS', 'websocket-job'],
      ['PASS', 'job-result'],
    ]);
    expect(run.stdout).toContain('Deployed and verified stack prod.');
    expect(run.stdout).not.toContain(SECRET);
    expect(run.code).toBe(0);
  });

  it('with --stack checks that the stack exists and pins every command to it; JWT_SECRET saves the config lookup', async () => {
    deployed();
    const run = await deploy(['--yes', '--stack', 'staging'], { JWT_SECRET: SECRET });
    const calls = standIns!.calls();
    expect(calls[2]).toBe(`pulumi stack ls --json --cwd ${DIR}`);
    expect(calls).toContain(`pulumi up --yes --refresh ${on('staging')}`);
    // No Pulumi.staging.yaml here: that stack's config home is its own file, and the deploy says so.
    expect(calls.some((c) => c.startsWith('pulumi env open'))).toBe(false);
    expect(run.stdout).toContain(
      'config home: Pulumi.staging.yaml (no ESC environment; CI sees only what is committed)',
    );
    expect(calls.some((c) => c.includes('jwtSecret'))).toBe(false);
    expect(run.code).toBe(0);
  });

  it('mints the token from the jwtSecret the program generated when the stack config has none', async () => {
    deployed([
      configValue('personalizedline:jwtSecret', undefined),
      { tool: 'pulumi', match: ['stack', 'output', 'jwtSecret', '--show-secrets'], stdout: `${SECRET}\n` },
    ]);
    const run = await deploy(['--yes']);
    expect(standIns!.calls().slice(-2)).toEqual([
      `pulumi config get personalizedline:jwtSecret ${on(STACK)}`,
      `pulumi stack output jwtSecret --show-secrets ${on(STACK)}`,
    ]);
    expect(checkLines(run.stdout)).toContainEqual(['PASS', 'websocket-job']);
    expect(run.stdout).not.toContain(SECRET);
    expect(run.code).toBe(0);
  });

  it('keeps the pin a rollback left, and says how to release it', async () => {
    deployed([configValue('personalizedline:imageDigestOverride', IMAGE_A)]);
    const run = await deploy(['--yes', '--skip-verify']);
    expect(standIns!.calls().slice(PREFLIGHT_CALLS.length)).toEqual([
      `pulumi config get personalizedline:imageDigestOverride ${on(STACK)}`,
      `pulumi up --yes --refresh ${on(STACK)}`,
    ]);
    expect(run.stdout).toContain(
      `pinned to ${IMAGE_A} by a rollback; this deploy keeps that image and builds nothing. To deploy this checkout's image: npm run deploy -- --unpin`,
    );
    expect(run.code).toBe(0);
  });

  it('--unpin and --websocket on write the config home, then pulumi up', async () => {
    deployed([configValue('personalizedline:imageDigestOverride', IMAGE_A)]);
    const run = await deploy(['--yes', '--skip-verify', '--unpin', '--websocket', 'on']);
    expect(standIns!.calls().slice(PREFLIGHT_CALLS.length)).toEqual([
      `pulumi config get personalizedline:imageDigestOverride ${on(STACK)}`,
      `pulumi env set ${SETTINGS_ENV} pulumiConfig["personalizedline:enableWebsocket"] true`,
      `pulumi env rm ${SETTINGS_ENV} pulumiConfig["personalizedline:imageDigestOverride"] --yes`,
      `pulumi up --yes --refresh ${on(STACK)}`,
    ]);
    expect(run.code).toBe(0);
  });

  it('stops at preflight when gcr.io still goes to Container Registry, naming the redirection command', async () => {
    deployed([
      { tool: 'gcloud', match: ['artifacts', 'settings', 'describe'], stdout: 'REDIRECTION_FROM_GCR_IO_DISABLED\n' },
    ]);
    const run = await deploy(['--yes']);
    expect(run.stdout).toContain('Run: gcloud artifacts settings enable-upgrade-redirection --project=example-project');
    expect(standIns!.calls().some((c) => c.startsWith('pulumi up'))).toBe(false);
    expect(run.code).toBe(3);
  });

  it('names every missing tool with the command that installs it, changes nothing and exits 3', async () => {
    standIns = createStandIns([], []); // an empty PATH: no tool at all
    const run = await deploy(['--yes']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      'preflight MISSING  Pulumi CLI: The Pulumi CLI is not installed. Install it: curl -fsSL https://get.pulumi.com | sh',
    );
    expect(run.stdout).toContain('preflight skipped  Pulumi login');
    expect(run.stdout).toContain('preflight skipped  Pulumi stack');
    expect(run.stdout).toContain(
      'preflight MISSING  Google Cloud CLI: The Google Cloud CLI (gcloud) is not installed. Install it: https://cloud.google.com/sdk/docs/install',
    );
    expect(run.stdout).toContain('preflight MISSING  gke-gcloud-auth-plugin: gke-gcloud-auth-plugin is not installed');
    expect(run.stdout).toContain('gcloud components install gke-gcloud-auth-plugin');
    expect(run.stderr).toContain('Preflight found 3 problem(s); nothing was changed');
  });

  it('names a missing login, stack and gcloud account at once, and never runs pulumi up', async () => {
    deployed([
      {
        tool: 'pulumi',
        match: ['whoami'],
        code: 255,
        stderr: 'error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\n',
      },
      { tool: 'gcloud', match: ['auth', 'list'], stdout: '' },
      {
        tool: 'gcloud',
        match: ['application-default'],
        code: 1,
        stderr:
          'ERROR: (gcloud.auth.application-default.print-access-token) Your default credentials were not found.\n',
      },
    ]);
    const run = await deploy(['--yes']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(
      /MISSING {2}Pulumi login: Not logged in to a Pulumi backend \(error: PULUMI_ACCESS_TOKEN must be set.*Run: pulumi login/,
    );
    expect(run.stdout).toContain('preflight skipped  Pulumi stack');
    expect(run.stdout).toContain('MISSING  gcloud account: gcloud has no active account. Run: gcloud auth login');
    expect(run.stdout).toContain(
      "MISSING  Application Default Credentials: No Application Default Credentials for Pulumi's Google provider. Run: gcloud auth application-default login",
    );
    expect(standIns!.calls()).toEqual(TOOL_CALLS.filter((c) => !c.startsWith('pulumi stack')));
  });

  it('names an unknown --stack with the commands that select or create it', async () => {
    deployed();
    const run = await deploy(['--yes', '--stack', 'qa']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      'Stack "qa" does not exist in this backend. Run from the repository root: pulumi stack select qa (or pulumi stack init qa for a new stack)',
    );
  });

  it('refuses at once without a terminal and without --yes: exit 2, no command run', async () => {
    deployed();
    const run = await deploy([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stdin is not a terminal');
    expect(run.stderr).toContain('--yes');
    expect(standIns!.calls()).toEqual([]);
  });

  it('asks on a terminal and changes nothing when the answer is no (exit 4)', async () => {
    deployed();
    const run = await deploy([], {}, 'n\n');
    expect(run.stdout).toContain('Deploy? [y/N]');
    expect(standIns!.calls().some((c) => c.startsWith('pulumi up'))).toBe(false);
    expect(run.code).toBe(4);
  });

  it('goes ahead on a terminal when the answer is yes', async () => {
    deployed();
    const run = await deploy(['--skip-verify'], {}, 'y\n');
    expect(standIns!.calls().at(-1)).toBe(`pulumi up --yes --refresh ${on(STACK)}`);
    expect(run.code).toBe(0);
  });

  it('--preview previews against the running image, without confirmation, secrets or verify', async () => {
    deployed([
      {
        tool: 'pulumi',
        match: ['preview', '--diff'],
        stdout: 'Previewing update (prod)\nResources:\n    ~ 1 to update\n',
      },
      {
        tool: 'pulumi',
        match: ['stack', 'output', '--json'],
        stdout: JSON.stringify({ imageRef: IMAGE_A, appSecretChecksum: 'ab'.repeat(32) }),
      },
    ]);
    const run = await deploy(['--preview', '--config-file', 'infra/pulumi/esc/prod-preview.stack.yaml']);
    const calls = standIns!.calls().slice(TOOL_CALLS.length);
    expect(calls[0]).toBe(`pulumi stack output --json ${on(STACK)}`);
    expect(calls[1]).toMatch(
      new RegExp(`^pulumi preview --diff --config-file /\\S+/Pulumi\\.preview\\.yaml ${on(STACK)}$`),
    );
    expect(calls).toHaveLength(2);
    expect(run.stdout).toContain(`previewing against the running image ${IMAGE_A}`);
    expect(run.stdout).toContain('~ 1 to update');
    expect(run.code).toBe(0);
  });

  it('stops with the failing command and its error when pulumi up fails (exit 1, no verify)', async () => {
    deployed([
      {
        tool: 'pulumi',
        match: ['up'],
        code: 255,
        stdout: 'Updating (prod)\n',
        stderr: 'error: update failed\n    kubernetes:apps/v1:Deployment (web): timed out waiting to be Ready\n',
      },
    ]);
    const run = await deploy(['--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Step 1 failed: pulumi up --yes --refresh ${on(STACK)}`);
    expect(run.stderr).toContain('timed out waiting to be Ready');
    expect(standIns!.calls().at(-1)).toBe(`pulumi up --yes --refresh ${on(STACK)}`);
    expect(checkLines(run.stdout)).toEqual([]);
  });

  it('exits 1 and points at the rollbacks when the deployment fails verify', async () => {
    const port = await freePort();
    deployed([stackOutputs(`http://127.0.0.1:${port}`)]);
    const run = await deploy(['--yes', '--timeout', '5', '--settle', '0']);
    expect(checkLines(run.stdout)[0]).toEqual(['FAIL', 'health']);
    expect(run.stderr).toContain('Deployed, but verify failed');
    expect(run.stderr).toContain('npm run rollback -- quick');
    expect(run.code).toBe(1);
  });

  it('prints its help', async () => {
    standIns = createStandIns([], []);
    const run = await deploy(['--help']);
    expect(run.stdout).toContain('Usage: npm run deploy');
    expect(run.code).toBe(0);
  });
});
