/**
 * The program as the Pulumi CLI starts it: `node <Pulumi.yaml nodeargs>` importing the ES module entry
 * from the program's folder, outside vitest's module transform.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mockDigest } from './support/pulumi-mocks.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const runner = fileURLToPath(new URL('./support/run-program.ts', import.meta.url));

describe('pulumi entry point', () => {
  it('loads and registers the whole stack under plain Node with the project nodeargs', async () => {
    const project = parse(readFileSync(join(projectRoot, 'Pulumi.yaml'), 'utf8')) as {
      main: string;
      runtime: { options: { nodeargs: string } };
    };
    const nodeargs = project.runtime.options.nodeargs.split(/\s+/).filter(Boolean);
    const { stdout } = await promisify(execFile)(process.execPath, [...nodeargs, runner], {
      cwd: join(projectRoot, dirname(project.main)),
      env: {
        ...process.env,
        PL_TEST_CONFIG: JSON.stringify({
          'gcp:project': 'entry-test',
          'personalizedline:imageTag': 'entrytest',
          'personalizedline:jwtSecret': 'j'.repeat(32),
          'personalizedline:redisPassword': 'r',
        }),
      },
      timeout: 120_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { resources: string[]; imageRef: string };
    expect(result.imageRef).toBe(`gcr.io/entry-test/personalizedline@${mockDigest}`);
    expect(result.resources.sort()).toEqual([
      'docker-build:index:Image/app-image',
      'gcp:artifactregistry/repository:Repository/gcr-repository',
      'gcp:artifactregistry/repositoryIamMember:RepositoryIamMember/nodes-pull-images',
      'gcp:monitoring/alertPolicy:AlertPolicy/alert-capacity-refusals',
      'gcp:monitoring/alertPolicy:AlertPolicy/alert-delivery-latency-p99-high',
      'gcp:monitoring/alertPolicy:AlertPolicy/alert-job-failure-ratio-high',
      'gcp:monitoring/alertPolicy:AlertPolicy/alert-jobs-waiting-too-long',
      'gcp:monitoring/alertPolicy:AlertPolicy/alert-uptime-check-failed',
      'gcp:monitoring/alertPolicy:AlertPolicy/alert-web-not-ready',
      'gcp:monitoring/alertPolicy:AlertPolicy/alert-web-socket-error-closes-high',
      'gcp:monitoring/dashboard:Dashboard/dashboard',
      'gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig/uptime-health',
      'gcp:projects/service:Service/api-artifactregistry',
      'gcp:projects/service:Service/api-compute',
      'gcp:projects/service:Service/api-container',
      'gcp:projects/service:Service/api-monitoring',
      'kubernetes:core/v1:Secret/app-secret',
      'kubernetes:yaml/v2:ConfigGroup/app',
      'kubernetes:yaml/v2:ConfigGroup/namespace',
      'pulumi:providers:kubernetes/gke',
    ]);
  });
});
