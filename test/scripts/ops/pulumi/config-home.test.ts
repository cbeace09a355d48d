import { describe, expect, it } from 'vitest';
import {
  configHomeOf,
  escConfigPath,
  localOverrides,
  parseStackFile,
  readStackFile,
  stackFileNote,
} from '../../../../scripts/ops/pulumi/config-home.js';

describe('the config home', () => {
  it('is the first ESC environment a stack file names', () => {
    const file = parseStackFile(
      '# comment\nenvironment:\n  - personalizedline/prod-settings\n  - personalizedline/prod-secrets\n',
    );
    expect(file.environments).toEqual(['personalizedline/prod-settings', 'personalizedline/prod-secrets']);
    expect(configHomeOf(file, 'prod')).toEqual({ kind: 'esc', environment: 'personalizedline/prod-settings' });
    // The older object form of `environment:`.
    expect(parseStackFile('environment:\n  imports:\n    - a/b\n').environments).toEqual(['a/b']);
  });

  it('is the stack file itself when it names no environment, or there is none', () => {
    expect(configHomeOf(parseStackFile('config:\n  gcp:project: p\n'), 'staging')).toEqual({
      kind: 'stack-file',
      file: 'Pulumi.staging.yaml',
    });
    expect(configHomeOf(parseStackFile(undefined), 'qa')).toEqual({ kind: 'stack-file', file: 'Pulumi.qa.yaml' });
  });

  it('finds the keys a stack file would shadow the ESC home with, and none without ESC', () => {
    const shadowing = parseStackFile(
      'environment: [a/settings]\nconfig:\n  personalizedline:enableWebsocket: "true"\n  personalizedline:namespace: x\n',
    );
    expect(localOverrides(shadowing)).toEqual(['personalizedline:enableWebsocket']);
    expect(localOverrides(parseStackFile('config:\n  personalizedline:enableWebsocket: "true"\n'))).toEqual([]);
  });

  it('addresses a config key inside pulumiConfig with the bracket form, since the key holds a colon', () => {
    expect(escConfigPath('personalizedline:imageDigestOverride')).toBe(
      'pulumiConfig["personalizedline:imageDigestOverride"]',
    );
  });

  it('says a stack-file home must be committed, and says nothing for ESC', () => {
    expect(stackFileNote({ kind: 'stack-file', file: 'Pulumi.qa.yaml' })).toContain('commit and push it');
    expect(stackFileNote({ kind: 'esc', environment: 'a/b' })).toBeUndefined();
  });

  it("reads the repository's own Pulumi.prod.yaml as an ESC home", () => {
    expect(configHomeOf(readStackFile({}, 'prod'), 'prod')).toEqual({
      kind: 'esc',
      environment: 'personalizedline/prod-settings',
    });
    expect(readStackFile({}, 'no-such-stack')).toEqual({ environments: [], config: {} });
  });
});
