import { describe, expect, it } from 'vitest';
import {
  deployPlan,
  emergencyRollbackPlan,
  fullRollbackPlan,
  previewPlan,
  quickRollbackPlan,
} from '../../../../scripts/ops/pulumi/stack-plans.js';
import type { ConfigHome } from '../../../../scripts/ops/pulumi/config-home.js';
import { formatCommand } from '../../../../scripts/ops/command-runner.js';
import { printPlan, type Step } from '../../../../scripts/ops/plan.js';
import { IMAGE_A } from '../../support/cloud-answers.js';

const commands = (steps: Step[]): string[] => steps.map((s) => formatCommand(s.command, s.args));
const target = { stack: 'prod', cwd: '/p' };

const esc: ConfigHome = { kind: 'esc', environment: 'personalizedline/prod-settings' };
const file: ConfigHome = { kind: 'stack-file', file: 'Pulumi.prod.yaml' };
const UP = 'pulumi up --yes --refresh --stack prod --cwd /p';

describe('plans', () => {
  it('deploy: pulumi up with a refresh; --websocket and --unpin write the config home first', () => {
    expect(commands(deployPlan({ target, home: esc, unpin: false }))).toEqual([UP]);
    expect(commands(deployPlan({ target, home: esc, unpin: true, websocket: true }))).toEqual([
      'pulumi env set personalizedline/prod-settings \'pulumiConfig["personalizedline:enableWebsocket"]\' true',
      'pulumi env rm personalizedline/prod-settings \'pulumiConfig["personalizedline:imageDigestOverride"]\' --yes',
      UP,
    ]);
    expect(commands(deployPlan({ target, home: file, unpin: true }))).toEqual([
      'pulumi config rm personalizedline:imageDigestOverride --stack prod --cwd /p',
      UP,
    ]);
  });

  it('preview: pulumi preview --diff, with the temporary stack file when there is one', () => {
    expect(commands(previewPlan(target))).toEqual(['pulumi preview --diff --stack prod --cwd /p']);
    expect(commands(previewPlan(target, '/tmp/x/Pulumi.preview.yaml'))).toEqual([
      'pulumi preview --diff --config-file /tmp/x/Pulumi.preview.yaml --stack prod --cwd /p',
    ]);
  });

  it('quick: WebSocket off in the config home, then pulumi up', () => {
    expect(commands(quickRollbackPlan(target, esc))).toEqual([
      'pulumi env set personalizedline/prod-settings \'pulumiConfig["personalizedline:enableWebsocket"]\' false',
      UP,
    ]);
    expect(commands(quickRollbackPlan(target, file))).toEqual([
      'pulumi config set personalizedline:enableWebsocket false --stack prod --cwd /p',
      UP,
    ]);
  });

  it('quick pins the running image when given, so pulumi up ships nothing else', () => {
    expect(commands(quickRollbackPlan(target, esc, IMAGE_A))).toEqual([
      'pulumi env set personalizedline/prod-settings \'pulumiConfig["personalizedline:enableWebsocket"]\' false',
      `pulumi env set personalizedline/prod-settings 'pulumiConfig["personalizedline:imageDigestOverride"]' ${IMAGE_A}`,
      UP,
    ]);
  });

  it('quick without a stack name uses the selected stack', () => {
    expect(commands(quickRollbackPlan({ cwd: '/p' }, esc))[1]).toBe('pulumi up --yes --refresh --cwd /p');
  });

  it('emergency: kubectl set env, then wait for the rollout', () => {
    expect(commands(emergencyRollbackPlan('personalizedline'))).toEqual([
      'kubectl set env deployment/web ENABLE_WEBSOCKET=false -n personalizedline',
      'kubectl rollout status deployment/web -n personalizedline --timeout=300s',
    ]);
  });

  it('full: pin the image by digest in the config home, then pulumi up', () => {
    expect(commands(fullRollbackPlan(target, esc, IMAGE_A))).toEqual([
      `pulumi env set personalizedline/prod-settings 'pulumiConfig["personalizedline:imageDigestOverride"]' ${IMAGE_A}`,
      UP,
    ]);
  });

  it('prints each step with its purpose and exact command, quoting what a shell would split', () => {
    const lines: string[] = [];
    printPlan('Plan:', [{ description: 'say hi', command: 'echo', args: ['hello world', "it's"] }], (l) =>
      lines.push(l),
    );
    expect(lines).toEqual(['Plan:', '  1. say hi', "     $ echo 'hello world' 'it'\\''s'"]);
  });
});
