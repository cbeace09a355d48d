import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PULUMI_DIR,
  baseUrlFromOutputs,
  isDigestReference,
  pulumiArgs,
} from '../../../../scripts/ops/pulumi/pulumi-project.js';
import { IMAGE_A } from '../../support/cloud-answers.js';

describe('pulumi project', () => {
  it('points at the Pulumi project, whose program is infra/pulumi/index.ts', () => {
    expect(readFileSync(join(PULUMI_DIR, 'Pulumi.yaml'), 'utf8')).toMatch(/^name: personalizedline$/m);
    expect(readFileSync(join(PULUMI_DIR, 'Pulumi.yaml'), 'utf8')).toMatch(/^main: infra\/pulumi\/index\.ts$/m);
    expect(existsSync(join(PULUMI_DIR, 'infra/pulumi/index.ts'))).toBe(true);
  });

  it('pins commands to the program directory and the stack', () => {
    expect(pulumiArgs({ stack: 'prod', cwd: '/p' }, 'up', '--yes')).toEqual([
      'up',
      '--yes',
      '--stack',
      'prod',
      '--cwd',
      '/p',
    ]);
    expect(pulumiArgs({}, 'whoami')).toEqual(['whoami', '--cwd', PULUMI_DIR]);
  });

  it('accepts images by digest only', () => {
    expect(isDigestReference(IMAGE_A)).toBe(true);
    expect(isDigestReference('us-central1-docker.pkg.dev/p/r/i@sha256:' + '0'.repeat(64))).toBe(true);
    expect(isDigestReference('gcr.io/p/i:latest')).toBe(false);
    expect(isDigestReference('gcr.io/p/i@sha256:abc')).toBe(false);
  });

  it('finds the base URL from the health URL, else the load balancer IP', () => {
    expect(baseUrlFromOutputs({ healthUrl: 'http://198.51.100.7/health', loadBalancerIp: '203.0.113.1' })).toBe(
      'http://198.51.100.7',
    );
    expect(baseUrlFromOutputs({ loadBalancerIp: '203.0.113.1' })).toBe('http://203.0.113.1');
    expect(baseUrlFromOutputs({ loadBalancerIp: '2001:db8::1' })).toBe('http://[2001:db8::1]');
    expect(baseUrlFromOutputs({})).toBeUndefined();
  });
});
