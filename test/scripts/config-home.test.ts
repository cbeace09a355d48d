/**
 * What a rollback sets survives the next deploy from CI, and the emergency path leaves the next deploy
 * working. The operations scripts run for real against stand-ins that keep their state in a file
 * (support/stateful-cloud.ts): an operator's rollback writes the stack's config home (the ESC
 * environment Pulumi.prod.yaml names), then a deploy runs as CI runs it, from the committed stack file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubernetesProviderSettings } from '../../infra/pulumi/cluster.js';
import { REPO_ROOT } from '../../kit/repo-root.js';
import { IMAGE_A } from './support/cloud-answers.js';
import { runScript } from './support/run-script.js';
import { createStatefulCloud, PULUMI_MANAGER, type StatefulCloud } from './support/stateful-cloud.js';

const SETTINGS = 'personalizedline/prod-settings';
const SECRETS = 'personalizedline/prod-secrets';
const stackFilePath = join(REPO_ROOT, 'Pulumi.prod.yaml');

/** The settings environment as first defined from the repository, and the secrets. */
function initialEsc(): Record<string, Record<string, unknown>> {
  const definition = parse(readFileSync(join(REPO_ROOT, 'infra/pulumi/esc/prod-settings.yaml'), 'utf8')) as {
    values: { pulumiConfig: Record<string, unknown> };
  };
  return {
    [SETTINGS]: { ...definition.values.pulumiConfig },
    [SECRETS]: { 'personalizedline:jwtSecret': 'jwt', 'personalizedline:redisPassword': 'pw' },
  };
}

/** The program's own answer: does its Kubernetes provider apply with force? */
const programForces = kubernetesProviderSettings({ project: 'p', location: 'l', clusterName: 'c' }).enablePatchForce;

describe("the config home, across an operator's rollback and CI's next deploy", () => {
  let cloud: StatefulCloud | undefined;
  afterEach(() => cloud?.remove());

  const start = async (
    facts: { enablePatchForce: boolean } = { enablePatchForce: programForces },
  ): Promise<StatefulCloud> => {
    cloud = createStatefulCloud({ esc: initialEsc(), commit: 'commit-1', facts, stack: { outputs: {} }, cluster: {} });
    const first = await script('deploy.ts', ['--yes', '--stack', 'prod', '--skip-verify']);
    expect(first.code, first.stderr).toBe(0);
    expect(cloud.state().cluster.web?.env.ENABLE_WEBSOCKET).toEqual({ value: 'true', manager: PULUMI_MANAGER });
    return cloud;
  };
  const script = (name: string, args: string[]) => runScript(name, args, { env: { PATH: cloud!.dir } });
  /** CI's deploy job: `npm run deploy -- --yes --stack prod` on the committed stack file (verify aside). */
  const ciDeploy = () => script('deploy.ts', ['--yes', '--stack', 'prod', '--skip-verify']);
  const builtImage = (): string => cloud!.state().stack.outputs.imageRef as string;

  it('after rollback quick, a push to main deploys with WebSocket still off and the image still pinned', async () => {
    await start();
    const stackFileBefore = readFileSync(stackFilePath, 'utf8');
    const runningImage = builtImage();

    const rollback = await script('rollback.ts', ['quick', '--yes', '--stack', 'prod', '--skip-verify']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(cloud!.state().esc[SETTINGS]).toMatchObject({
      'personalizedline:enableWebsocket': false,
      'personalizedline:imageDigestOverride': runningImage,
    });
    // Nothing was written to the operator's copy of the stack file, which CI would never see.
    expect(readFileSync(stackFilePath, 'utf8')).toBe(stackFileBefore);
    expect(
      cloud!.state().calls.some((c) => c.startsWith('pulumi config set') || c.startsWith('pulumi config rm')),
    ).toBe(false);

    cloud!.update((s) => {
      s.commit = 'commit-2';
    });
    const deploy = await ciDeploy();
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toContain(`pinned to ${runningImage} by a rollback; this deploy keeps that image`);
    expect(cloud!.state().cluster.web).toEqual({
      image: runningImage,
      env: { ENABLE_WEBSOCKET: { value: 'false', manager: PULUMI_MANAGER } },
    });

    // Undoing it is explicit: WebSocket back on, and the new commit's image.
    const undo = await script('deploy.ts', [
      '--yes',
      '--stack',
      'prod',
      '--skip-verify',
      '--websocket',
      'on',
      '--unpin',
    ]);
    expect(undo.code, undo.stderr).toBe(0);
    expect(cloud!.state().esc[SETTINGS]).not.toHaveProperty(['personalizedline:imageDigestOverride']);
    expect(cloud!.state().cluster.web?.env.ENABLE_WEBSOCKET.value).toBe('true');
    expect(cloud!.state().cluster.web?.image).not.toBe(runningImage);
  }, 60_000);

  it('after rollback full, a push to main deploys the pinned digest, not the new build', async () => {
    await start();
    const rollback = await script('rollback.ts', [
      'full',
      '--yes',
      '--stack',
      'prod',
      '--skip-verify',
      '--image',
      IMAGE_A,
    ]);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(cloud!.state().cluster.web?.image).toBe(IMAGE_A);

    cloud!.update((s) => {
      s.commit = 'commit-2';
    });
    const deploy = await ciDeploy();
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(cloud!.state().cluster.web?.image).toBe(IMAGE_A);
    expect(cloud!.state().stack.outputs).toMatchObject({ imageRef: IMAGE_A, imagePinned: true });
  }, 60_000);

  it('after the emergency rollback (kubectl set env), the next deploy succeeds and takes ENABLE_WEBSOCKET back', async () => {
    await start();
    const emergency = await script('rollback.ts', ['quick', '--emergency', '--yes', '--skip-verify']);
    expect(emergency.code, emergency.stderr).toBe(0);
    expect(cloud!.state().cluster.web?.env.ENABLE_WEBSOCKET).toEqual({ value: 'false', manager: 'kubectl-set' });

    // No new commit: the only difference is the drift, which the deploy's refresh finds.
    const deploy = await ciDeploy();
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(cloud!.state().calls).toContain(
      `pulumi up --yes --refresh --stack prod --cwd ${REPO_ROOT.replace(/\/$/, '')}`,
    );
    expect(cloud!.state().cluster.web?.env.ENABLE_WEBSOCKET).toEqual({ value: 'true', manager: PULUMI_MANAGER });
  }, 60_000);

  it("(control) without the program's forced apply, the same deploy fails on the field-manager conflict", async () => {
    expect(programForces).toBe(true);
    await start({ enablePatchForce: false });
    const emergency = await script('rollback.ts', ['quick', '--emergency', '--yes', '--skip-verify']);
    expect(emergency.code, emergency.stderr).toBe(0);
    const deploy = await ciDeploy();
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-set"');
    expect(cloud!.state().cluster.web?.env.ENABLE_WEBSOCKET.value).toBe('false');
  }, 60_000);
});
