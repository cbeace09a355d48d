import { describe, expect, it } from 'vitest';
import { deployPlan, emergencyRollbackPlan, fullRollbackPlan, quickRollbackPlan } from '../../../../scripts/ops/pulumi/stack-plans.js';
import { formatCommand } from '../../../../scripts/ops/command-runner.js';
import { printPlan, type Step } from '../../../../scripts/ops/plan.js';
import { IMAGE_A } from '../../support/cloud-answers.js';

const commands = (steps: Step[]): string[] => steps.map((s) => formatCommand(s.command, s.args));
const target = { stack: 'prod', cwd: '/p' };

describe('plans', () => {
  it('deploy: pulumi up, after clearing a rollback pin when there is one', () => {
    expect(commands(deployPlan({ target, clearImageOverride: false, previewOnly: false }))).toEqual(['pulumi up --yes --stack prod --cwd /p']);
    expect(commands(deployPlan({ target, clearImageOverride: true, previewOnly: false }))).toEqual([
      'pulumi config rm personalizedline:imageDigestOverride --stack prod --cwd /p',
      'pulumi up --yes --stack prod --cwd /p',
    ]);
    expect(commands(deployPlan({ target, clearImageOverride: true, previewOnly: true }))).toEqual(['pulumi preview --diff --stack prod --cwd /p']);
  });

  it('quick: WebSocket off in the stack config, then pulumi up', () => {
    expect(commands(quickRollbackPlan(target))).toEqual([
      'pulumi config set personalizedline:enableWebsocket false --stack prod --cwd /p',
      'pulumi up --yes --stack prod --cwd /p',
    ]);
  });

  it('quick pins the running image when given, so pulumi up ships nothing else', () => {
    expect(commands(quickRollbackPlan(target, IMAGE_A))).toEqual([
      'pulumi config set personalizedline:enableWebsocket false --stack prod --cwd /p',
      `pulumi config set personalizedline:imageDigestOverride ${IMAGE_A} --stack prod --cwd /p`,
      'pulumi up --yes --stack prod --cwd /p',
    ]);
  });

  it('quick without a stack name uses the selected stack', () => {
    expect(commands(quickRollbackPlan({ cwd: '/p' }))[1]).toBe('pulumi up --yes --cwd /p');
  });

  it('emergency: kubectl set env, then wait for the rollout', () => {
    expect(commands(emergencyRollbackPlan('personalizedline'))).toEqual([
      'kubectl set env deployment/web ENABLE_WEBSOCKET=false -n personalizedline',
      'kubectl rollout status deployment/web -n personalizedline --timeout=300s',
    ]);
  });

  it('full: pin the image by digest, then pulumi up', () => {
    expect(commands(fullRollbackPlan(target, IMAGE_A))).toEqual([
      `pulumi config set personalizedline:imageDigestOverride ${IMAGE_A} --stack prod --cwd /p`,
      'pulumi up --yes --stack prod --cwd /p',
    ]);
  });

  it('prints each step with its purpose and exact command, quoting what a shell would split', () => {
    const lines: string[] = [];
    printPlan('Plan:', [{ description: 'say hi', command: 'echo', args: ['hello world', "it's"] }], (l) => lines.push(l));
    expect(lines).toEqual(['Plan:', '  1. say hi', "     $ echo 'hello world' 'it'\\''s'"]);
  });
});
