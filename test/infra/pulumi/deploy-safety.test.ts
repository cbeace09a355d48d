/**
 * The program's safety on a real project, under mocks: the Kubernetes provider keeps its identity
 * through GKE credential rotation and takes fields back from other managers; what holds data is
 * protected; the nodes may pull the image; the APIs are kept enabled; a rotated Secret rolls the pods;
 * and a preview without the production secrets still diffs the workloads against the running image.
 */
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it, vi } from 'vitest';
import {
  computeDefaultServiceAccount,
  nodeServiceAccountOf,
  type ClusterNodeAccounts,
} from '../../../infra/pulumi/image-pull-access.js';
import { protectDataHolders } from '../../../infra/pulumi/data-protection.js';
import { secretChecksum } from '../../../infra/pulumi/app-secret.js';
import { withPodAnnotations } from '../../../infra/pulumi/manifests.js';
import { baseConfig, configGroupYaml, runProgram, withoutChecksum } from './support/program-under-mocks.js';
import { installMockCloud, mockCluster, mockProjectNumber, revealSecret, valueOf } from './support/pulumi-mocks.js';
import { without } from './support/without.js';

const urnOf = (type: string, name: string): string => `urn:pulumi:prod::personalizedline::${type}::${name}`;

describe('the Kubernetes provider', () => {
  it('is identified by the cluster, not its endpoint, and forces server-side apply and updates Secrets in place', async () => {
    const { cloud } = await runProgram(baseConfig);
    const provider = cloud.one('pulumi:providers:kubernetes', 'gke');
    expect(provider.inputs).toMatchObject({
      clusterIdentifier: 'gke_pl-test-project_europe-west1_pl-cluster',
      enableServerSideApply: 'true',
      enablePatchForce: 'true',
      enableSecretMutable: 'true',
    });
    // The endpoint (which rotation changes) is only in the kubeconfig, not in the identity.
    expect(String(provider.inputs.clusterIdentifier)).not.toContain(mockCluster.endpoint);
    expect(String(revealSecret(provider.inputs.kubeconfig))).toContain(mockCluster.endpoint);
  });
});

describe('data protection', () => {
  it('protects and retains the Secret, and gives both ConfigGroups the protection transform', async () => {
    const { cloud } = await runProgram(baseConfig);
    expect(cloud.one('kubernetes:core/v1:Secret', 'app-secret').options).toMatchObject({
      protect: true,
      retainOnDelete: true,
    });
    // Timeouts and protection: the transforms the engine runs on every object the groups create.
    for (const group of ['namespace', 'app']) {
      expect(cloud.one('kubernetes:yaml/v2:ConfigGroup', group).options?.transforms, group).toBe(2);
    }
  });

  it('the transform protects the Namespace and the StatefulSet, and nothing else', async () => {
    const args = (type: string): pulumi.ResourceTransformArgs => ({
      type,
      name: 'x',
      custom: true,
      props: {},
      opts: {},
    });
    for (const type of ['kubernetes:core/v1:Namespace', 'kubernetes:apps/v1:StatefulSet']) {
      expect((await protectDataHolders(args(type)))?.opts, type).toEqual({ protect: true, retainOnDelete: true });
    }
    for (const type of [
      'kubernetes:apps/v1:Deployment',
      'kubernetes:core/v1:Service',
      'kubernetes:storage.k8s.io/v1:StorageClass',
    ]) {
      expect(await protectDataHolders(args(type)), type).toBeUndefined();
    }
  });
});

describe('image pull access and APIs', () => {
  it("grants the cluster's node account read access to the gcr.io repository, after the repository exists", async () => {
    const { cloud } = await runProgram(baseConfig);
    const binding = cloud.one('gcp:artifactregistry/repositoryIamMember:RepositoryIamMember', 'nodes-pull-images');
    expect(binding.inputs).toMatchObject({
      project: 'pl-test-project',
      location: 'us',
      repository: 'gcr.io',
      role: 'roles/artifactregistry.reader',
      member: `serviceAccount:${mockCluster.nodeServiceAccount}`,
    });
    expect(binding.options?.dependencies).toContain(
      urnOf('gcp:artifactregistry/repository:Repository', 'gcr-repository'),
    );
  });

  it('grants the configured account instead, and asks nothing about the project then', async () => {
    const { cloud } = await runProgram({
      ...baseConfig,
      'personalizedline:nodeServiceAccount': 'pull@other.iam.gserviceaccount.com',
    });
    expect(cloud.one('gcp:artifactregistry/repositoryIamMember:RepositoryIamMember').inputs.member).toBe(
      'serviceAccount:pull@other.iam.gserviceaccount.com',
    );
    expect(cloud.calls.map((c) => c.token)).not.toContain('gcp:organizations/getProject:getProject');
  });

  it('keeps Artifact Registry, Kubernetes Engine, Compute Engine and Cloud Monitoring enabled, never disabling them on destroy', async () => {
    const { cloud } = await runProgram(baseConfig);
    const services = cloud.ofType('gcp:projects/service:Service');
    expect(services.map((s) => s.inputs.service).sort()).toEqual([
      'artifactregistry.googleapis.com',
      'compute.googleapis.com',
      'container.googleapis.com',
      'monitoring.googleapis.com',
    ]);
    for (const service of services) {
      expect(service.inputs, String(service.inputs.service)).toMatchObject({
        project: 'pl-test-project',
        disableOnDestroy: false,
      });
    }
    expect(cloud.one('gcp:artifactregistry/repository:Repository').options?.dependencies).toContain(
      urnOf('gcp:projects/service:Service', 'api-artifactregistry'),
    );
    for (const [type, name] of [
      ['gcp:monitoring/alertPolicy:AlertPolicy', 'alert-web-not-ready'],
      ['gcp:monitoring/dashboard:Dashboard', 'dashboard'],
    ] as const) {
      expect(cloud.one(type, name).options?.dependencies, type).toContain(
        urnOf('gcp:projects/service:Service', 'api-monitoring'),
      );
    }
  });

  it('finds the node account the way GKE assigns it', () => {
    const standard = (serviceAccount: string): ClusterNodeAccounts => ({
      enableAutopilot: false,
      nodeConfigs: [{ serviceAccount }],
      nodePools: [{ nodeConfigs: [{ serviceAccount }] }],
      clusterAutoscalings: [],
    });
    expect(nodeServiceAccountOf(standard('nodes@p.iam.gserviceaccount.com'), '42')).toBe(
      'nodes@p.iam.gserviceaccount.com',
    );
    // `default` is the Compute Engine default account, named after the project number.
    expect(nodeServiceAccountOf(standard('default'), '42')).toBe('42-compute@developer.gserviceaccount.com');
    expect(computeDefaultServiceAccount(mockProjectNumber)).toBe(
      `${mockProjectNumber}-compute@developer.gserviceaccount.com`,
    );
    const autopilot: ClusterNodeAccounts = {
      enableAutopilot: true,
      nodeConfigs: [],
      nodePools: [],
      clusterAutoscalings: [{ autoProvisioningDefaults: [{ serviceAccount: 'auto@p.iam.gserviceaccount.com' }] }],
    };
    expect(nodeServiceAccountOf(autopilot, '42')).toBe('auto@p.iam.gserviceaccount.com');
  });
});

describe('Secret rotation', () => {
  it("puts the Secret's checksum on every pod template, and a rotated secret changes only that", async () => {
    const first = await runProgram(baseConfig);
    const rotated = await runProgram({
      ...baseConfig,
      'personalizedline:jwtSecret': 'rotated-jwt-secret-of-at-least-32-bytes',
    });
    const before = withoutChecksum(configGroupYaml(first.cloud, 'app'));
    const after = withoutChecksum(configGroupYaml(rotated.cloud, 'app'));
    expect(after.objects).toEqual(before.objects);
    for (const workload of ['Deployment/web', 'Deployment/rq-worker', 'StatefulSet/redis']) {
      expect(before.checksums[workload], workload).toMatch(/^[0-9a-f]{64}$/);
      expect(after.checksums[workload], workload).not.toBe(before.checksums[workload]);
    }
    // The same on every pod template, exported, and no secret in the YAML.
    expect(new Set(Object.values(before.checksums)).size).toBe(1);
    expect(await valueOf(first.program.appSecretChecksum)).toBe(before.checksums['Deployment/web']);
    expect(configGroupYaml(first.cloud, 'app')).not.toContain('jwt-secret-value');
  });

  it('the checksum depends on every value and on nothing else', () => {
    const data = { JWT_SECRET: 'a', REDIS_PASSWORD: 'b', REDIS_URL: 'c' };
    expect(secretChecksum(data)).toBe(secretChecksum({ REDIS_URL: 'c', JWT_SECRET: 'a', REDIS_PASSWORD: 'b' }));
    for (const key of Object.keys(data) as (keyof typeof data)[]) {
      expect(secretChecksum({ ...data, [key]: 'changed' }), key).not.toBe(secretChecksum(data));
    }
  });

  it('annotates pod templates only, keeping every other document as it was written', () => {
    const stream =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web # kept\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n';
    const annotated = withPodAnnotations(stream, { 'checksum/secret': 'abc' });
    expect(annotated.startsWith('apiVersion: v1\nkind: Service\nmetadata:\n  name: web # kept\n---\n')).toBe(true);
    expect(annotated).toContain(
      '    metadata:\n      labels:\n        app: web\n      annotations:\n        checksum/secret: abc\n',
    );
  });
});

describe("a pull request's preview, without the production secrets", () => {
  const running = `gcr.io/pl-test-project/personalizedline@sha256:${'5e'.repeat(32)}`;
  const runningChecksum = 'd'.repeat(64);
  const withoutSecrets = without(baseConfig, 'personalizedline:jwtSecret', 'personalizedline:redisPassword');
  const previewConfig = {
    ...withoutSecrets,
    'personalizedline:previewImage': running,
    'personalizedline:previewSecretChecksum': runningChecksum,
  };

  it("diffs the workloads against the running image and Secret checksum, and leaves the Secret's data as stored", async () => {
    const cloud = await installMockCloud({ preview: true, digest: '' });
    pulumi.runtime.setAllConfig(previewConfig, []);
    vi.resetModules();
    const program = await import('../../../infra/pulumi/index.js');
    expect(await valueOf(program.imageRef)).toBe(running);
    await vi.waitFor(() => expect(cloud.ofType('kubernetes:yaml/v2:ConfigGroup')).toHaveLength(2));
    const appYaml = cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app').inputs.yaml;
    // Known, so the preview shows each object's diff instead of "preview is incomplete".
    expect(typeof appYaml).toBe('string');
    expect(String(appYaml)).toContain(`image: ${running}`);
    expect(Object.values(withoutChecksum(String(appYaml)).checksums)).toEqual([
      runningChecksum,
      runningChecksum,
      runningChecksum,
    ]);
    expect(cloud.one('kubernetes:core/v1:Secret').options?.ignoreChanges).toEqual(['stringData', 'data']);
    // It still builds the image (a broken Dockerfile fails the preview); it only shows the running one.
    expect(cloud.ofType('docker-build:index:Image')).toHaveLength(1);
  });
});
