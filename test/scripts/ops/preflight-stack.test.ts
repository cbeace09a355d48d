import { describe, expect, it } from 'vitest';
import { stringContaining } from '../../support/matchers.js';
import type { CommandResult } from '../../../scripts/ops/command-runner.js';
import { OpsError } from '../../../scripts/ops/outcome.js';
import {
  assertNoLocalOverrides,
  bareStackName,
  configHomeProbe,
  judgeRedirection,
  redirectionProbe,
} from '../../../scripts/ops/preflight-stack.js';
import { parseStackFile } from '../../../scripts/ops/pulumi/config-home.js';

const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '', missing: false });
const failed = (stderr: string): CommandResult => ({ code: 1, stdout: '', stderr, missing: false });

describe('stack preflight', () => {
  it('accepts every state that routes gcr.io to Artifact Registry', () => {
    for (const state of [
      'REDIRECTION_FROM_GCR_IO_ENABLED',
      'REDIRECTION_FROM_GCR_IO_ENABLED_AND_COPYING',
      'REDIRECTION_FROM_GCR_IO_FINALIZED',
    ]) {
      expect(judgeRedirection('p', ok(`${state}\n`))).toEqual({ detail: state });
    }
  });

  it('names the redirection command when gcr.io still points at Container Registry', () => {
    for (const state of ['REDIRECTION_FROM_GCR_IO_DISABLED', 'REDIRECTION_FROM_GCR_IO_PARTIAL_AND_COPYING', '']) {
      expect(judgeRedirection('p', ok(`${state}\n`))).toEqual({
        problem: stringContaining('Run: gcloud artifacts settings enable-upgrade-redirection --project=p'),
      });
    }
  });

  it('names the APIs to enable first when Artifact Registry is off', () => {
    const off = failed(
      'ERROR: (gcloud.artifacts.settings.describe) PERMISSION_DENIED: Artifact Registry API has not been used in project 42 before or it is disabled. [SERVICE_DISABLED]',
    );
    expect(judgeRedirection('p', off)).toEqual({
      problem: stringContaining(
        'gcloud services enable artifactregistry.googleapis.com container.googleapis.com compute.googleapis.com --project=p',
      ),
    });
  });

  it('asks the project about it, in the project named by the stack', () => {
    expect(redirectionProbe('p1').args).toEqual([
      'artifacts',
      'settings',
      'describe',
      '--project=p1',
      '--format=value(legacyRedirectionState)',
    ]);
  });

  it('opens the settings environment and says how to fix a missing one', () => {
    const probe = configHomeProbe({ kind: 'esc', environment: 'personalizedline/prod-settings' });
    expect(probe.args).toEqual(['env', 'open', 'personalizedline/prod-settings', 'pulumiConfig', '--format', 'json']);
    expect(probe.judge(ok('{}'))).toEqual({ detail: 'ESC environment personalizedline/prod-settings' });
    expect(probe.judge(failed('error: environment not found'))).toEqual({
      problem: stringContaining('pulumi env init personalizedline/prod-settings --file'),
    });
  });

  it('refuses a stack file that shadows the config home, naming the command that fixes it', () => {
    const file = parseStackFile(
      'environment: [personalizedline/prod-settings]\nconfig:\n  personalizedline:imageDigestOverride: x\n',
    );
    expect(() => assertNoLocalOverrides(file, 'prod')).toThrow(OpsError);
    expect(() => assertNoLocalOverrides(file, 'prod')).toThrow(
      'pulumi config rm personalizedline:imageDigestOverride --stack prod',
    );
    expect(() => assertNoLocalOverrides(parseStackFile('environment: [a/b]\n'), 'prod')).not.toThrow();
  });

  it('takes the bare stack name of a fully qualified one', () => {
    expect(bareStackName('acme/personalizedline/prod')).toBe('prod');
    expect(bareStackName('prod')).toBe('prod');
  });
});
