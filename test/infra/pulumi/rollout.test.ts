import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyManifestsOptions, loadBalancerAddress, rolloutTimeouts } from '../../../infra/pulumi/rollout.js';
import { installMockCloud, valueOf } from './support/pulumi-mocks.js';

const transformArgs = (type: string, custom = true): pulumi.ResourceTransformArgs => ({
  type,
  name: 'app:personalizedline/web',
  custom,
  props: { spec: { replicas: 1 } },
  opts: { protect: false },
});

describe('rollout timeouts', () => {
  it('sets create, update and delete timeouts on every Kubernetes object, keeping props and options', async () => {
    const transform = rolloutTimeouts(7);
    for (const type of [
      'kubernetes:apps/v1:Deployment',
      'kubernetes:apps/v1:StatefulSet',
      'kubernetes:core/v1:Service',
    ]) {
      const result = await transform(transformArgs(type));
      expect(result?.opts.customTimeouts, type).toEqual({ create: '7m', update: '7m', delete: '7m' });
      expect(result?.opts.protect).toBe(false);
      expect(result?.props).toEqual({ spec: { replicas: 1 } });
    }
  });

  it('leaves components and other packages alone', async () => {
    const transform = rolloutTimeouts(7);
    expect(await transform(transformArgs('kubernetes:yaml/v2:ConfigGroup', false))).toBeUndefined();
    expect(await transform(transformArgs('gcp:artifactregistry/repository:Repository'))).toBeUndefined();
  });
});

describe('ConfigGroup options', () => {
  beforeAll(async () => {
    await installMockCloud();
  });

  it('use the cluster provider, the given dependencies, the timeout and the protection transforms', async () => {
    const provider = new k8s.Provider('gke-test', { kubeconfig: 'apiVersion: v1\nkind: Config\n' });
    const before = new k8s.core.v1.Secret('before', { metadata: { name: 's' } });
    const options = applyManifestsOptions({ yaml: '', provider, timeoutMinutes: 12, dependsOn: [before] });
    expect(options.provider).toBe(provider);
    expect(options.dependsOn).toEqual([before]);
    expect(options.transforms).toHaveLength(2);
    // What each object of the group ends up with, the transforms applied in order as the engine does.
    const applyAll = async (type: string): Promise<pulumi.ResourceTransformArgs> => {
      let args = transformArgs(type);
      for (const transform of options.transforms!) {
        const result = await transform(args);
        if (result) args = { ...args, props: result.props, opts: result.opts };
      }
      return args;
    };
    const deployment = await applyAll('kubernetes:apps/v1:Deployment');
    expect(deployment.opts.customTimeouts).toEqual({ create: '12m', update: '12m', delete: '12m' });
    expect(deployment.opts).toMatchObject({ protect: false });
    for (const type of ['kubernetes:core/v1:Namespace', 'kubernetes:apps/v1:StatefulSet']) {
      expect((await applyAll(type)).opts, type).toMatchObject({
        protect: true,
        retainOnDelete: true,
        customTimeouts: { create: '12m' },
      });
    }
  });
});

describe('load balancer address', () => {
  it('is the ingress IP of the named Service, ignoring other Services and objects', async () => {
    await installMockCloud({
      stateByName: {
        'other-ns-web': { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } },
        'redis-svc': { status: { loadBalancer: {} } },
        'web-svc': { status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } } },
      },
    });
    const resources = pulumi.output([
      new k8s.core.v1.Service('other-ns-web', { metadata: { name: 'web', namespace: 'other' } }),
      new k8s.core.v1.Service('redis-svc', { metadata: { name: 'redis', namespace: 'pl' } }),
      new k8s.core.v1.ConfigMap('web-config', { metadata: { name: 'web', namespace: 'pl' } }),
      new k8s.core.v1.Service('web-svc', { metadata: { name: 'web', namespace: 'pl' } }),
    ] as unknown[]);
    expect(await valueOf(loadBalancerAddress(resources, 'pl', 'web'))).toBe('203.0.113.9');
    expect(await valueOf(loadBalancerAddress(resources, 'pl', 'redis'))).toBe('');
    expect(await valueOf(loadBalancerAddress(resources, 'pl', 'missing'))).toBe('');
  });

  it('falls back to the hostname some clouds give instead of an IP', async () => {
    await installMockCloud({
      stateByName: { 'web-host': { status: { loadBalancer: { ingress: [{ hostname: 'lb.example.net' }] } } } },
    });
    const resources = pulumi.output([
      new k8s.core.v1.Service('web-host', { metadata: { name: 'web', namespace: 'pl' } }),
    ] as unknown[]);
    expect(await valueOf(loadBalancerAddress(resources, 'pl', 'web'))).toBe('lb.example.net');
  });
});
