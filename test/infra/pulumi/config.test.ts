import * as pulumi from '@pulumi/pulumi';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { readStackConfig, type StackConfig } from '../../../infra/pulumi/config.js';
import { installMockCloud, valueOf } from './support/pulumi-mocks.js';
import { without } from './support/without.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
const secrets = {
  'personalizedline:jwtSecret': 'jwt',
  'personalizedline:redisPassword': 'redis-pw',
};
const secretKeys = Object.keys(secrets);
const noGit = (): string => {
  throw new Error('git must not be consulted when imageTag is set');
};

function read(config: Record<string, string>, defaultTag: () => string = () => 'from-git'): StackConfig {
  pulumi.runtime.setAllConfig({ 'gcp:project': 'proj', ...secrets, ...config }, secretKeys);
  return readStackConfig(defaultTag);
}

describe('stack config', () => {
  beforeAll(async () => {
    await installMockCloud();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('defaults every key but the GCP project and the two secrets', async () => {
    const { secrets: stackSecrets, ...plain } = read({});
    expect(plain).toEqual({
      gcpProject: 'proj',
      gcpRegion: 'us-central1',
      clusterName: 'personalizedline',
      clusterLocation: 'us-central1',
      namespace: 'personalizedline',
      registry: 'gcr.io',
      imageName: 'personalizedline',
      imageTag: 'from-git',
      imageDigestOverride: undefined,
      createGcrRepository: true,
      platform: 'linux/amd64',
      enableWebsocket: true,
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: undefined,
      webReplicas: 1,
      workerReplicas: 1,
      monitoring: 'gmp',
      webMaxReplicas: 1,
      workerMaxReplicas: 1,
      redis: 'in-cluster',
      rolloutTimeoutMinutes: 10,
      nodeServiceAccount: undefined,
      previewImage: undefined,
    });
    if (stackSecrets.kind !== 'configured') throw new Error('expected the configured secrets');
    const { jwtSecret, redisPassword } = stackSecrets;
    expect(await valueOf(jwtSecret!)).toBe('jwt');
    expect(await valueOf(redisPassword!)).toBe('redis-pw');
    expect(await pulumi.isSecret(jwtSecret!)).toBe(true);
    expect(await pulumi.isSecret(redisPassword!)).toBe(true);
  });

  it('takes every key from the stack, keeping explicit zeros and falses', () => {
    const plain = without(
      read(
        {
          'gcp:region': 'europe-west1',
          'personalizedline:clusterName': 'c',
          'personalizedline:clusterLocation': 'europe-west1-b',
          'personalizedline:namespace': 'ns',
          'personalizedline:registry': 'eu.gcr.io',
          'personalizedline:imageName': 'app',
          'personalizedline:imageTag': 'v1.2.3',
          'personalizedline:imageDigestOverride': `gcr.io/p/app@sha256:${'9'.repeat(64)}`,
          'personalizedline:createGcrRepository': 'false',
          'personalizedline:platform': 'linux/arm64',
          'personalizedline:enableWebsocket': 'false',
          'personalizedline:sessionAffinity': 'ClientIP',
          'personalizedline:sessionAffinityTimeoutSeconds': '60',
          'personalizedline:webReplicas': '0',
          'personalizedline:workerReplicas': '0',
          'personalizedline:webMaxReplicas': '4',
          'personalizedline:workerMaxReplicas': '3',
          'personalizedline:redis': 'memorystore',
          'personalizedline:rolloutTimeoutMinutes': '3',
          'personalizedline:nodeServiceAccount': 'nodes@proj.iam.gserviceaccount.com',
          'personalizedline:monitoring': 'none',
        },
        noGit,
      ),
      'secrets',
    );
    expect(plain).toEqual({
      gcpProject: 'proj',
      gcpRegion: 'europe-west1',
      clusterName: 'c',
      clusterLocation: 'europe-west1-b',
      namespace: 'ns',
      registry: 'eu.gcr.io',
      imageName: 'app',
      imageTag: 'v1.2.3',
      imageDigestOverride: `gcr.io/p/app@sha256:${'9'.repeat(64)}`,
      createGcrRepository: false,
      platform: 'linux/arm64',
      enableWebsocket: false,
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 60,
      webReplicas: 0,
      workerReplicas: 0,
      monitoring: 'none',
      webMaxReplicas: 4,
      workerMaxReplicas: 3,
      redis: 'memorystore',
      rolloutTimeoutMinutes: 3,
      nodeServiceAccount: 'nodes@proj.iam.gserviceaccount.com',
      // Not a preview: the preview settings are not even read.
      previewImage: undefined,
    });
  });

  it('names the key of a missing or malformed value', () => {
    pulumi.runtime.setAllConfig({ ...secrets }, secretKeys);
    expect(() => readStackConfig(noGit)).toThrow(/gcp:project/);
    expect(() => read({ 'personalizedline:sessionAffinity': 'Sticky' })).toThrow(/sessionAffinity/);
    expect(() => read({ 'personalizedline:registry': 'docker.io' })).toThrow(/registry/);
    expect(() => read({ 'personalizedline:webReplicas': 'two' })).toThrow(/webReplicas/);
    expect(() => read({ 'personalizedline:enableWebsocket': 'yes' })).toThrow(/enableWebsocket/);
    expect(() => read({ 'personalizedline:imageTag': 'has space' })).toThrow(/imageTag/);
    expect(() => read({ 'personalizedline:monitoring': 'prometheus' })).toThrow(/monitoring/);
    const noRedis = without(secrets, 'personalizedline:redisPassword');
    pulumi.runtime.setAllConfig({ 'gcp:project': 'proj', ...noRedis }, secretKeys);
    expect(() => readStackConfig(noGit)).toThrow(/redisPassword/);
    // Memorystore brings its own AUTH string: no password to configure.
    pulumi.runtime.setAllConfig(
      { 'gcp:project': 'proj', ...noRedis, 'personalizedline:redis': 'memorystore', 'personalizedline:imageTag': 'v1' },
      secretKeys,
    );
    expect(readStackConfig(noGit).secrets).toMatchObject({ kind: 'configured', redisPassword: undefined });
    expect(() => read({ 'personalizedline:redis': 'elasticache' })).toThrow(/redis/);
    expect(() => read({ 'personalizedline:webMaxReplicas': '0' })).toThrow(/webMaxReplicas/);
  });
});

describe('project and example stack files', () => {
  beforeAll(async () => {
    await installMockCloud();
  });

  it('Pulumi.yaml runs infra/pulumi/index.ts as the ESM TypeScript project it is', () => {
    const project = parse(readFileSync(`${projectRoot}Pulumi.yaml`, 'utf8')) as {
      name: string;
      main: string;
      runtime: { name: string; options: unknown };
    };
    expect(project.name).toBe('personalizedline');
    expect(project.runtime.name).toBe('nodejs');
    expect(project.runtime.options).toMatchObject({ typescript: false, nodeargs: '--import tsx' });
    expect(existsSync(`${projectRoot}${project.main}`)).toBe(true);
    const pkg = JSON.parse(readFileSync(`${projectRoot}package.json`, 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    expect(pkg.type).toBe('module');
    expect(pkg.devDependencies?.tsx ?? pkg.dependencies?.tsx).toBeDefined();
  });

  it('Pulumi.prod.yaml only names its ESC environments, settings first, and sets no value itself', () => {
    const stack = parse(readFileSync(`${projectRoot}Pulumi.prod.yaml`, 'utf8')) as Record<string, unknown>;
    expect(stack.environment).toEqual(['personalizedline/prod-settings', 'personalizedline/prod-secrets']);
    // A value here would override the config home on one machine only.
    expect(stack.config).toBeUndefined();
  });

  it('the first definition of the settings environment sets only keys the program reads, and they read back as written', () => {
    const definition = parse(readFileSync(`${projectRoot}infra/pulumi/esc/prod-settings.yaml`, 'utf8')) as {
      values: { pulumiConfig: Record<string, unknown> };
    };
    const settings = definition.values.pulumiConfig;
    const readKeys = new Set<string>();
    for (const method of ['get', 'getBoolean', 'getNumber', 'require', 'getSecret', 'requireSecret'] as const) {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- kept unbound on purpose: the spy calls it with the spied Config as `this`
      const original = pulumi.Config.prototype[method] as (
        this: pulumi.Config,
        key: string,
        ...rest: unknown[]
      ) => unknown;
      vi.spyOn(pulumi.Config.prototype, method).mockImplementation(function (
        this: pulumi.Config,
        key: string,
        ...rest: unknown[]
      ) {
        readKeys.add(`${this.name}:${key}`);
        return original.call(this, key, ...rest);
      } as never);
    }
    const values = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));
    const config = read(values);
    vi.restoreAllMocks();

    for (const key of Object.keys(settings)) expect(readKeys, key).toContain(key);
    expect(settings['gcp:project']).toBe('personalizedline-prod');
    expect(config.gcpProject).toBe('personalizedline-prod');
    expect(config.namespace).toBe('personalizedline');
    expect(config.clusterName).toBe(settings['personalizedline:clusterName']);
    expect(config.webReplicas).toBe(settings['personalizedline:webReplicas']);
    expect(config.enableWebsocket).toBe(true);
    // The secrets live in their own environment, which a preview cannot open.
    expect(Object.keys(settings)).not.toContain('personalizedline:jwtSecret');
    expect(Object.keys(settings)).not.toContain('personalizedline:redisPassword');
  });
});

describe('stack config during a preview without the secrets', () => {
  const running = `gcr.io/proj/personalizedline@sha256:${'7'.repeat(64)}`;
  const checksum = 'c'.repeat(64);
  const previewConfig = {
    'gcp:project': 'proj',
    'personalizedline:previewImage': running,
    'personalizedline:previewSecretChecksum': checksum,
  };

  it("takes the running image and the running Secret's checksum instead of the secrets", async () => {
    await installMockCloud({ preview: true });
    pulumi.runtime.setAllConfig(previewConfig, secretKeys);
    const config = readStackConfig(() => 'from-git');
    expect(config.previewImage).toBe(running);
    expect(config.secrets).toEqual({ kind: 'preview', checksum });
  });

  it('uses the secrets when they are there, even in a preview', async () => {
    await installMockCloud({ preview: true });
    pulumi.runtime.setAllConfig({ ...previewConfig, ...secrets }, secretKeys);
    expect(readStackConfig(() => 'from-git').secrets.kind).toBe('configured');
  });

  it('never lets pulumi up run without them, whatever the preview settings say', async () => {
    await installMockCloud({ preview: false });
    pulumi.runtime.setAllConfig(previewConfig, secretKeys);
    expect(() => readStackConfig(() => 'from-git')).toThrow(/redisPassword/);
  });

  it('refuses a preview image that is not pinned by digest', async () => {
    await installMockCloud({ preview: true });
    pulumi.runtime.setAllConfig(
      { ...previewConfig, 'personalizedline:previewImage': 'gcr.io/proj/personalizedline:latest' },
      secretKeys,
    );
    expect(() => readStackConfig(() => 'from-git')).toThrow(/previewImage/);
  });
});
