/**
 * `redis: memorystore` under Pulumi's mocks: the program registers a Memorystore instance on the
 * cluster's network and in its region, with AUTH and TLS, puts its rediss:// URL and CA into the app
 * Secret, and rolls out charts without a Redis workload. And the pure helpers it is built from.
 */
import * as pulumi from '@pulumi/pulumi';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { memorystoreUrl, networkPath, regionOf } from '../../../infra/pulumi/memorystore.js';
import { findObject, parseObjects, type KubeObject } from '../k8s/support/manifests.js';
import {
  installMockCloud,
  isSecretAt,
  mockCluster,
  mockMemorystore,
  revealSecret,
  type MockCloud,
} from './support/pulumi-mocks.js';

const config: Record<string, string> = {
  'gcp:project': 'pl-test-project',
  'gcp:region': 'europe-west1',
  'personalizedline:clusterName': 'pl-cluster',
  'personalizedline:imageTag': 'abc123def456',
  'personalizedline:jwtSecret': 'jwt-secret-value-at-least-32-bytes',
  'personalizedline:redis': 'memorystore',
};

/** The whole program with `extra` config, once every resource is registered. */
async function runWith(extra: Record<string, string> = {}): Promise<MockCloud> {
  const cloud = await installMockCloud();
  pulumi.runtime.setAllConfig({ ...config, ...extra }, ['personalizedline:jwtSecret']);
  vi.resetModules();
  const program = await import('../../../infra/pulumi/index.js');
  await new Promise<void>((resolve) => program.healthUrl.apply(() => resolve()));
  return cloud;
}

const documents = (cloud: MockCloud): KubeObject[] =>
  parseObjects(String(cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app').inputs.yaml));

describe('redis: memorystore', () => {
  beforeEach(() => pulumi.runtime.setAllConfig({}));

  it("registers a Memorystore instance on the cluster's network and in its region, with AUTH and TLS", async () => {
    const cloud = await runWith();
    expect(
      cloud.calls.filter((c) => c.token === 'gcp:container/getCluster:getCluster').map((c) => c.inputs.name),
    ).toContain('pl-cluster');
    const instance = cloud.one('gcp:redis/instance:Instance', 'redis').inputs;
    expect(instance).toMatchObject({
      name: 'personalizedline',
      project: 'pl-test-project',
      region: 'europe-west1',
      tier: 'STANDARD_HA',
      memorySizeGb: 1,
      authorizedNetwork: `projects/pl-test-project/global/networks/${mockCluster.network}`,
      connectMode: 'DIRECT_PEERING',
      authEnabled: true,
      transitEncryptionMode: 'SERVER_AUTHENTICATION',
      redisConfigs: { 'maxmemory-policy': 'noeviction' },
      persistenceConfig: { persistenceMode: 'RDB', rdbSnapshotPeriod: 'ONE_HOUR' },
      deletionProtection: true,
    });
  });

  it('protects the instance like every holder of data, after enabling the Memorystore API', async () => {
    const cloud = await runWith();
    const instance = cloud.one('gcp:redis/instance:Instance', 'redis');
    expect(instance.options).toMatchObject({ protect: true, retainOnDelete: true });
    const api = cloud.one('gcp:projects/service:Service', 'api-redis');
    expect(api.inputs).toMatchObject({ service: 'redis.googleapis.com', disableOnDestroy: false });
    expect(instance.options?.dependencies).toContain(
      'urn:pulumi:prod::personalizedline::gcp:projects/service:Service::api-redis',
    );
  });

  it('takes the tier and size from stack config, and the region of a zonal cluster', async () => {
    const cloud = await runWith({
      'personalizedline:memorystoreTier': 'BASIC',
      'personalizedline:memorystoreMemoryGb': '5',
      'personalizedline:memorystoreName': 'pl-queue',
      'personalizedline:clusterLocation': 'europe-west4-b',
    });
    expect(cloud.one('gcp:redis/instance:Instance').inputs).toMatchObject({
      tier: 'BASIC',
      memorySizeGb: 5,
      name: 'pl-queue',
      region: 'europe-west4',
    });
  });

  it('puts the rediss:// URL with the AUTH string and every CA certificate into the Secret, all secret, and no Redis password', async () => {
    const cloud = await runWith();
    const secret = cloud.one('kubernetes:core/v1:Secret', 'app-secret');
    const data = revealSecret(secret.inputs.stringData) as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['JWT_SECRET', 'REDIS_TLS_CA', 'REDIS_URL']);
    expect(data.REDIS_URL).toMatch(/^rediss:\/\//);
    const url = new URL(data.REDIS_URL!);
    expect([url.hostname, url.port, decodeURIComponent(url.password)]).toEqual([
      mockMemorystore.host,
      String(mockMemorystore.port),
      mockMemorystore.authString,
    ]);
    expect(data.REDIS_TLS_CA).toBe(`${mockMemorystore.serverCaCerts.map((c) => c.cert.trim()).join('\n')}\n`);
    for (const key of Object.keys(data)) expect(isSecretAt(secret.inputs, ['stringData', key]), key).toBe(true);
    // The Secret waits for the instance it describes.
    const instanceUrn = cloud.resources.find((r) => r.type === 'gcp:redis/instance:Instance')!;
    expect(secret.options?.dependencies.some((urn) => urn.endsWith(`::${instanceUrn.type}::${instanceUrn.name}`))).toBe(
      true,
    );
  });

  it('rolls out the charts with REDIS=external: no Redis workload, the CA mounted into web and rq-worker', async () => {
    const objects = documents(await runWith({ 'personalizedline:webMaxReplicas': '3' }));
    expect(objects.filter((o) => o.metadata?.name === 'redis')).toEqual([]);
    for (const name of ['web', 'rq-worker']) {
      const deployment = findObject(objects, 'Deployment', name);
      expect(deployment.spec!.template.spec!.containers[0]!.env).toContainEqual({
        name: 'REDIS_TLS_CA_FILE',
        value: '/etc/redis-tls/ca.crt',
      });
    }
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'web').spec.maxReplicas).toBe(3);
  });

  it('creates nothing of Memorystore with the in-cluster Redis', async () => {
    const cloud = await runWith({ 'personalizedline:redis': 'in-cluster', 'personalizedline:redisPassword': 'pw' });
    expect(cloud.ofType('gcp:redis/instance:Instance')).toEqual([]);
    expect(cloud.ofType('gcp:projects/service:Service').map((r) => r.inputs.service)).not.toContain(
      'redis.googleapis.com',
    );
    expect(documents(cloud).some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'redis')).toBe(true);
  });
});

describe('memorystore helpers', () => {
  it('takes the region of a zone and keeps a region', () => {
    expect(regionOf('us-central1-a')).toBe('us-central1');
    expect(regionOf('europe-west1')).toBe('europe-west1');
    expect(regionOf('northamerica-northeast2-c')).toBe('northamerica-northeast2');
  });

  it('names the network as projects/P/global/networks/N whatever form GKE reports', () => {
    expect(networkPath('p', 'default')).toBe('projects/p/global/networks/default');
    expect(networkPath('p', 'projects/host/global/networks/shared')).toBe('projects/host/global/networks/shared');
    expect(networkPath('p', 'https://www.googleapis.com/compute/v1/projects/host/global/networks/shared')).toBe(
      'projects/host/global/networks/shared',
    );
  });

  it('builds a rediss:// URL whose password decodes back to the AUTH string', () => {
    const url = new URL(memorystoreUrl('10.0.0.3', 6378, 'a/b@c:d?e#f%'));
    expect(url.protocol).toBe('rediss:');
    expect(decodeURIComponent(url.password)).toBe('a/b@c:d?e#f%');
  });
});
