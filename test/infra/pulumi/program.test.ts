/**
 * The whole Pulumi program (infra/pulumi/index.ts) run against mocked GCP and Kubernetes: what it
 * builds, pushes, logs in with, connects to and rolls out, for a given stack config.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { synthesizeManifests } from '../../../infra/k8s/synthesize.js';
import { splitDocuments } from '../../../infra/pulumi/manifests.js';
import { findObject, parseObjects, type KubeObject } from '../k8s/support/manifests.js';
import { baseConfig, configGroupYaml, runProgram, secretKeys, withoutChecksum } from './support/program-under-mocks.js';
import {
  installMockCloud,
  isKnown,
  isSecretAt,
  mockAccessToken,
  mockCluster,
  mockDigest,
  revealSecret,
  valueOf,
  type MockCloudOptions,
} from './support/pulumi-mocks.js';
import { without } from './support/without.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const repository = 'gcr.io/pl-test-project/personalizedline';
const digestRef = `${repository}@${mockDigest}`;

describe('pulumi program', () => {
  beforeEach(() => {
    pulumi.runtime.setAllConfig({});
  });

  it('builds the root Dockerfile for linux/amd64 and pushes it as :<commit> and :latest', async () => {
    const { cloud } = await runProgram(baseConfig);
    const image = cloud.one('docker-build:index:Image', 'app-image');
    expect(image.inputs.push).toBe(true);
    expect(image.inputs.tags).toEqual([`${repository}:abc123def456`, `${repository}:latest`]);
    expect(image.inputs.context).toEqual({ location: projectRoot });
    expect(image.inputs.dockerfile).toEqual({ location: `${projectRoot}Dockerfile` });
    expect(image.inputs.platforms).toEqual(['linux/amd64']);
  });

  it('logs in to gcr.io as oauth2accesstoken with the GCP provider access token, kept secret', async () => {
    const { cloud } = await runProgram(baseConfig);
    expect(cloud.calls.map((c) => c.token)).toContain('gcp:organizations/getClientConfig:getClientConfig');
    const inputs = cloud.one('docker-build:index:Image').inputs;
    expect(revealSecret(inputs.registries)).toEqual([
      { address: 'gcr.io', username: 'oauth2accesstoken', password: mockAccessToken },
    ]);
    expect(isSecretAt(inputs, ['registries', 0, 'password'])).toBe(true);
  });

  it('creates the gcr.io Artifact Registry repository in the us multi-region, unless told not to', async () => {
    const { cloud } = await runProgram(baseConfig);
    const repo = cloud.one('gcp:artifactregistry/repository:Repository');
    expect(repo.inputs).toMatchObject({
      repositoryId: 'gcr.io',
      location: 'us',
      format: 'DOCKER',
      project: 'pl-test-project',
    });

    const without = await runProgram({ ...baseConfig, 'personalizedline:createGcrRepository': 'false' });
    expect(without.cloud.ofType('gcp:artifactregistry/repository:Repository')).toEqual([]);
    expect(without.cloud.ofType('docker-build:index:Image')).toHaveLength(1);
  });

  it('talks to the cluster getCluster reports, authenticating with gke-gcloud-auth-plugin', async () => {
    const { cloud } = await runProgram({ ...baseConfig, 'personalizedline:clusterLocation': 'europe-west1-b' });
    const getCluster = cloud.calls.find((c) => c.token === 'gcp:container/getCluster:getCluster');
    expect(getCluster?.inputs).toMatchObject({
      name: 'pl-cluster',
      location: 'europe-west1-b',
      project: 'pl-test-project',
    });

    const provider = cloud.one('pulumi:providers:kubernetes', 'gke');
    const kubeconfig = parse(String(revealSecret(provider.inputs.kubeconfig))) as {
      clusters: { cluster: Record<string, string> }[];
      users: { user: { exec: Record<string, unknown> } }[];
    };
    expect(kubeconfig.clusters[0]!.cluster.server).toBe(`https://${mockCluster.endpoint}`);
    expect(kubeconfig.clusters[0]!.cluster['certificate-authority-data']).toBe(mockCluster.caCertificate);
    expect(kubeconfig.users[0]!.user.exec.command).toBe('gke-gcloud-auth-plugin');
    expect(kubeconfig.users[0]!.user.exec.apiVersion).toBe('client.authentication.k8s.io/v1beta1');

    // Every Kubernetes object goes through that provider.
    for (const r of [...cloud.ofType('kubernetes:yaml/v2:ConfigGroup'), ...cloud.ofType('kubernetes:core/v1:Secret')]) {
      expect(r.provider, `${r.type}/${r.name}`).toMatch(/::gke::/);
    }
  });

  it('creates the Secret with JWT_SECRET, REDIS_PASSWORD and REDIS_URL, every value secret', async () => {
    const { cloud } = await runProgram(baseConfig);
    const secret = cloud.one('kubernetes:core/v1:Secret', 'app-secret');
    expect(secret.inputs.metadata).toEqual({ name: 'personalizedline-secrets', namespace: 'personalizedline' });
    expect(revealSecret(secret.inputs.stringData)).toEqual({
      JWT_SECRET: 'jwt-secret-value-at-least-32-bytes',
      REDIS_PASSWORD: 'p@ss:w/rd',
      REDIS_URL: 'redis://:p%40ss%3Aw%2Frd@redis:6379',
    });
    for (const key of ['JWT_SECRET', 'REDIS_PASSWORD', 'REDIS_URL']) {
      expect(isSecretAt(secret.inputs, ['stringData', key]), key).toBe(true);
    }
  });

  it('rolls out exactly the synthesized charts, with the pushed digest as the image', async () => {
    const { cloud, program } = await runProgram(baseConfig);
    const expected = synthesizeManifests({
      namespace: 'personalizedline',
      image: digestRef,
      enableWebsocket: true,
      sessionAffinity: 'None',
      webReplicas: 1,
      workerReplicas: 1,
      secretName: 'personalizedline-secrets',
    });
    const namespaceYaml = configGroupYaml(cloud, 'namespace');
    const workloadYaml = configGroupYaml(cloud, 'app');
    // The Namespace comes first in the charts' output, so the two groups are the output: the Namespace
    // verbatim, the rest with the Secret's checksum added to each pod template and nothing else.
    const [expectedNamespace, ...expectedRest] = splitDocuments(expected);
    expect(namespaceYaml).toBe(expectedNamespace);
    const { objects, checksums } = withoutChecksum(workloadYaml);
    expect(objects).toEqual(expectedRest.map((text) => parse(text) as KubeObject));
    expect(Object.keys(checksums).sort()).toEqual(['Deployment/rq-worker', 'Deployment/web', 'StatefulSet/redis']);
    expect(parseAllDocuments(namespaceYaml).map((d) => d.get('kind'))).toEqual(['Namespace']);
    expect(workloadYaml).toContain(`image: ${digestRef}`);
    expect(workloadYaml).not.toMatch(/:latest\b/);
    expect(await valueOf(program.imageRef)).toBe(digestRef);
  });

  it('passes the stack flags into the manifests and the Secret', async () => {
    const { cloud } = await runProgram({
      ...baseConfig,
      'personalizedline:namespace': 'pl-staging',
      'personalizedline:enableWebsocket': 'false',
      'personalizedline:sessionAffinity': 'ClientIP',
      'personalizedline:sessionAffinityTimeoutSeconds': '600',
      'personalizedline:webReplicas': '2',
      'personalizedline:workerReplicas': '3',
    });
    const expected = synthesizeManifests({
      namespace: 'pl-staging',
      image: digestRef,
      enableWebsocket: false,
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 600,
      webReplicas: 2,
      workerReplicas: 3,
      secretName: 'personalizedline-secrets',
    });
    const workloadYaml = configGroupYaml(cloud, 'app');
    const [expectedNamespace, ...expectedRest] = splitDocuments(expected);
    expect(configGroupYaml(cloud, 'namespace')).toBe(expectedNamespace);
    expect(withoutChecksum(workloadYaml).objects).toEqual(expectedRest.map((text) => parse(text) as KubeObject));

    const objects = parseObjects(workloadYaml);
    const web = findObject(objects, 'Deployment', 'web');
    const worker = findObject(objects, 'Deployment', 'rq-worker');
    const service = findObject(objects, 'Service', 'web');
    expect(web.spec!.replicas).toBe(2);
    expect(worker.spec!.replicas).toBe(3);
    expect(web.spec!.template.spec!.containers[0]!.env).toContainEqual({ name: 'ENABLE_WEBSOCKET', value: 'false' });
    expect(service.spec!.sessionAffinity).toBe('ClientIP');
    expect(service.spec!.sessionAffinityConfig!.clientIP!.timeoutSeconds).toBe(600);
    for (const o of objects.filter((o) => o.kind !== 'StorageClass'))
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('pl-staging');
    expect(cloud.one('kubernetes:core/v1:Secret').inputs.metadata).toMatchObject({ namespace: 'pl-staging' });
  });

  it('exports the web Service address, the health and WebSocket URLs and the image reference', async () => {
    const options: {
      stateByName: MockCloudOptions['stateByName'];
      configGroupState?: MockCloudOptions['configGroupState'];
    } = {
      stateByName: { 'web-live': { status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } } },
    };
    const cloud = await installMockCloud(options);
    // What the app ConfigGroup reports having created: among the objects, the web Service with its address.
    const liveRedis = new k8s.core.v1.Service('redis-live', {
      metadata: { name: 'redis', namespace: 'personalizedline' },
    });
    const liveWeb = new k8s.core.v1.Service('web-live', { metadata: { name: 'web', namespace: 'personalizedline' } });
    await valueOf(pulumi.all([liveRedis.urn, liveWeb.urn]));
    options.configGroupState = { app: { resources: [liveRedis, liveWeb] } };

    pulumi.runtime.setAllConfig(baseConfig, secretKeys);
    vi.resetModules();
    const program = await import('../../../infra/pulumi/index.js');
    expect(await valueOf(program.loadBalancerIp)).toBe('203.0.113.10');
    expect(await valueOf(program.healthUrl)).toBe('http://203.0.113.10/health');
    expect(await valueOf(program.websocketUrl)).toBe('ws://203.0.113.10/ws/jobs/{job_id}');
    expect(await valueOf(program.imageRef)).toBe(digestRef);
    expect(cloud.ofType('kubernetes:yaml/v2:ConfigGroup')).toHaveLength(2);
  });

  it('orders the rollout: repository, then image; Namespace, then Secret, then the workloads', async () => {
    const { cloud } = await runProgram(baseConfig);
    const urnOf = (type: string, name: string): string => `urn:pulumi:prod::personalizedline::${type}::${name}`;
    const depsOf = (type: string, name: string): string[] => cloud.one(type, name).options?.dependencies ?? [];
    expect(depsOf('docker-build:index:Image', 'app-image')).toContain(
      urnOf('gcp:artifactregistry/repository:Repository', 'gcr-repository'),
    );
    expect(depsOf('kubernetes:core/v1:Secret', 'app-secret')).toContain(
      urnOf('kubernetes:yaml/v2:ConfigGroup', 'namespace'),
    );
    expect(depsOf('kubernetes:yaml/v2:ConfigGroup', 'app')).toContain(urnOf('kubernetes:core/v1:Secret', 'app-secret'));
    // The Namespace does not wait for the image build.
    expect(depsOf('kubernetes:yaml/v2:ConfigGroup', 'namespace')).toEqual([]);
  });

  it('gives every Kubernetes object of both ConfigGroups the stack rollout timeout, and protects what holds data, through transforms', async () => {
    const { cloud } = await runProgram({ ...baseConfig, 'personalizedline:rolloutTimeoutMinutes': '13' });
    const groups = cloud.ofType('kubernetes:yaml/v2:ConfigGroup');
    expect(groups.map((g) => g.name).sort()).toEqual(['app', 'namespace']);
    // The engine runs a component's transforms in order, each on the previous one's result.
    const transformed = async (transforms: readonly pulumi.ResourceTransform[], type: string, name: string) => {
      let args: pulumi.ResourceTransformArgs = { type, name, custom: true, props: {}, opts: {} };
      for (const transform of transforms) {
        const result = await transform(args);
        if (result) args = { ...args, props: result.props, opts: result.opts };
      }
      return args.opts;
    };
    for (const group of groups) {
      const deployment = await transformed(
        group.transforms,
        'kubernetes:apps/v1:Deployment',
        `${group.name}:personalizedline/web`,
      );
      expect(deployment.customTimeouts, group.name).toEqual({ create: '13m', update: '13m', delete: '13m' });
      expect(deployment.protect, group.name).toBeUndefined();
      const statefulSet = await transformed(
        group.transforms,
        'kubernetes:apps/v1:StatefulSet',
        `${group.name}:personalizedline/redis`,
      );
      expect(statefulSet.customTimeouts, group.name).toEqual({ create: '13m', update: '13m', delete: '13m' });
      expect(statefulSet, group.name).toMatchObject({ protect: true, retainOnDelete: true });
    }
    // Nothing else asks for transforms.
    expect(cloud.resources.filter((r) => r.transforms.length > 0)).toHaveLength(2);
  });

  it('keeps pushed images and the registry repository when they leave the program', async () => {
    const { cloud } = await runProgram(baseConfig);
    expect(cloud.one('docker-build:index:Image').options?.retainOnDelete).toBe(true);
    expect(cloud.one('gcp:artifactregistry/repository:Repository').options?.retainOnDelete).toBe(true);
  });

  it('deploys a pinned image by digest and builds nothing while imageDigestOverride is set', async () => {
    const pinned = `gcr.io/pl-test-project/personalizedline@sha256:${'12'.repeat(32)}`;
    const { cloud, program } = await runProgram({ ...baseConfig, 'personalizedline:imageDigestOverride': pinned });
    expect(cloud.ofType('docker-build:index:Image')).toEqual([]);
    expect(cloud.calls.map((c) => c.token)).not.toContain('gcp:organizations/getClientConfig:getClientConfig');
    expect(cloud.ofType('gcp:artifactregistry/repository:Repository')).toHaveLength(1);
    expect(configGroupYaml(cloud, 'app')).toContain(`image: ${pinned}`);
    expect(await valueOf(program.imageRef)).toBe(pinned);

    await expect(
      runProgram({ ...baseConfig, 'personalizedline:imageDigestOverride': `${repository}:latest` }),
    ).rejects.toThrow(/imageDigestOverride/);
  });

  it('during a preview, which pushes nothing, leaves the workloads unknown instead of deploying a tag', async () => {
    const cloud = await installMockCloud({ preview: true, digest: '' });
    pulumi.runtime.setAllConfig(baseConfig, secretKeys);
    vi.resetModules();
    const program = await import('../../../infra/pulumi/index.js');
    expect(await isKnown(program.imageRef)).toBe(false);
    // The Namespace does not depend on the image, so it is known even now.
    await vi.waitFor(() => expect(cloud.ofType('kubernetes:yaml/v2:ConfigGroup')).toHaveLength(2));
    expect(configGroupYaml(cloud, 'namespace')).toContain('kind: Namespace');
    const appYaml = cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app').inputs.yaml;
    expect(typeof appYaml).not.toBe('string');
  });

  it('stops before building anything when a secret is not configured', async () => {
    const withoutRedis = without(baseConfig, 'personalizedline:redisPassword');
    const cloud = await installMockCloud();
    pulumi.runtime.setAllConfig(withoutRedis, secretKeys);
    vi.resetModules();
    await expect(import('../../../infra/pulumi/index.js')).rejects.toThrow(/personalizedline:redisPassword/);
    expect(cloud.resources).toEqual([]);
  });

  it('stops before building anything when a manifest option is invalid', async () => {
    const cloud = await installMockCloud();
    pulumi.runtime.setAllConfig({ ...baseConfig, 'personalizedline:namespace': 'Not_A_DNS_Label' }, secretKeys);
    vi.resetModules();
    await expect(import('../../../infra/pulumi/index.js')).rejects.toThrow(/namespace/);
    expect(cloud.resources).toEqual([]);
  });

  it('tags the image with the git commit when no imageTag is set', async () => {
    const withoutTag = without(baseConfig, 'personalizedline:imageTag');
    const { cloud } = await runProgram(withoutTag);
    const tags = cloud.one('docker-build:index:Image').inputs.tags as string[];
    expect(tags[0]).toMatch(new RegExp(`^${repository}:[0-9a-f]{12}(-dirty)?$`));
  });
});
