/**
 * The program's public edge under mocked GCP: with `edge: ingress`, the global IP the Ingress names,
 * the domain's A record with `dnsZone`, and https/wss stack outputs; and the JWT secret generated
 * with @pulumi/random when the stack sets none.
 */
import * as pulumi from '@pulumi/pulumi';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { checkedJwtSecret, jwtSecretOrGenerated } from '../../../infra/pulumi/jwt-secret.js';
import { findObject, isKind, onlyContainer, parseObjects, type KubeObject } from '../k8s/support/manifests.js';
import { installMockCloud, isSecretAt, revealSecret, valueOf, type MockCloud } from './support/pulumi-mocks.js';
import { without } from './support/without.js';

const stackConfig: Record<string, string> = {
  'gcp:project': 'pl-edge-project',
  'personalizedline:imageTag': 'edgetest',
  'personalizedline:jwtSecret': 'edge-test-secret-of-at-least-32-bytes',
  'personalizedline:redisPassword': 'redis-pw',
};
const secretKeys = ['personalizedline:jwtSecret', 'personalizedline:redisPassword'];
const ingress = { 'personalizedline:edge': 'ingress', 'personalizedline:domain': 'api.example.com' };
const reservedIp = '203.0.113.10';
const generatedSecret = 'G'.repeat(64);

type Program = typeof import('../../../infra/pulumi/index.js');

async function runProgram(config: Record<string, string>): Promise<{ cloud: MockCloud; program: Program }> {
  const cloud = await installMockCloud({
    stateByName: { 'web-ip': { address: reservedIp }, 'jwt-secret': { result: generatedSecret } },
  });
  pulumi.runtime.setAllConfig(config, secretKeys);
  vi.resetModules();
  const program = await import('../../../infra/pulumi/index.js');
  // With edge=ingress the URLs are known at once; the rollout registers after the image and the Secret.
  await valueOf(program.imageRef);
  await vi.waitFor(() => expect(cloud.ofType('kubernetes:yaml/v2:ConfigGroup')).toHaveLength(2));
  await vi.waitFor(() => expect(typeof cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app').inputs.yaml).toBe('string'));
  return { cloud, program };
}

/** The objects of the `app` ConfigGroup's YAML. */
function appObjects(cloud: MockCloud): KubeObject[] {
  return parseObjects(String(cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app').inputs.yaml));
}

describe('pulumi edge', () => {
  beforeEach(() => {
    pulumi.runtime.setAllConfig({});
  });

  it('with edge=ingress reserves the global IP the Ingress names and exports https and wss URLs', async () => {
    const { cloud, program } = await runProgram({ ...stackConfig, ...ingress });
    const address = cloud.one('gcp:compute/globalAddress:GlobalAddress', 'web-ip');
    expect(address.inputs).toMatchObject({
      name: 'web',
      project: 'pl-edge-project',
      addressType: 'EXTERNAL',
      ipVersion: 'IPV4',
    });
    expect(cloud.ofType('gcp:dns/recordSet:RecordSet')).toEqual([]);

    const objects = appObjects(cloud);
    const ingressObject = objects.find((o) => isKind(o, 'Ingress'));
    expect(ingressObject?.metadata.annotations!['kubernetes.io/ingress.global-static-ip-name']).toBe(
      address.inputs.name,
    );
    expect(ingressObject?.spec!.rules![0]!.host).toBe('api.example.com');
    expect(objects.find((o) => isKind(o, 'ManagedCertificate'))?.spec!.domains).toEqual(['api.example.com']);
    expect(findObject(objects, 'Service', 'web').spec!.type).toBe('ClusterIP');
    // The address exists before the Ingress that names it is applied.
    const app = cloud.one('kubernetes:yaml/v2:ConfigGroup', 'app');
    expect(app.options?.dependencies.some((urn) => urn.endsWith('::web-ip'))).toBe(true);

    expect(await valueOf(program.appUrl)).toBe('https://api.example.com');
    expect(await valueOf(program.healthUrl)).toBe('https://api.example.com/health');
    expect(await valueOf(program.websocketUrl)).toBe('wss://api.example.com/ws/jobs/{job_id}');
    expect(await valueOf(program.loadBalancerIp)).toBe(reservedIp);
  });

  it("writes the domain's A record to the dnsZone, pointing at the reserved IP", async () => {
    const { cloud } = await runProgram({
      ...stackConfig,
      ...ingress,
      'personalizedline:dnsZone': 'example-com',
      'personalizedline:staticIpName': 'pl-prod-ip',
    });
    expect(cloud.one('gcp:compute/globalAddress:GlobalAddress', 'web-ip').inputs.name).toBe('pl-prod-ip');
    expect(cloud.one('gcp:dns/recordSet:RecordSet', 'web-dns').inputs).toEqual(
      expect.objectContaining({
        project: 'pl-edge-project',
        managedZone: 'example-com',
        name: 'api.example.com.',
        type: 'A',
        ttl: 300,
        rrdatas: [reservedIp],
      }),
    );
    const ingressObject = appObjects(cloud).find((o) => isKind(o, 'Ingress'));
    expect(ingressObject?.metadata.annotations!['kubernetes.io/ingress.global-static-ip-name']).toBe('pl-prod-ip');
  });

  it('passes allowedOrigins to the web pods as ALLOWED_ORIGINS', async () => {
    const { cloud } = await runProgram({
      ...stackConfig,
      ...ingress,
      'personalizedline:allowedOrigins': 'https://app.example.com,https://www.example.com',
    });
    const env = onlyContainer(findObject(appObjects(cloud), 'Deployment', 'web')).env!;
    expect(env.find((e) => e.name === 'ALLOWED_ORIGINS')?.value).toBe(
      'https://app.example.com,https://www.example.com',
    );
  });

  it('stops before creating anything when edge=ingress has no domain', async () => {
    const cloud = await installMockCloud();
    pulumi.runtime.setAllConfig({ ...stackConfig, 'personalizedline:edge': 'ingress' }, secretKeys);
    vi.resetModules();
    await expect(import('../../../infra/pulumi/index.js')).rejects.toThrow(/personalizedline:domain/);
    expect(cloud.resources).toEqual([]);
  });

  it('keeps the L4 load balancer, no global IP and http/ws URLs by default', async () => {
    const { cloud, program } = await runProgram(stackConfig);
    expect(cloud.ofType('gcp:compute/globalAddress:GlobalAddress')).toEqual([]);
    expect(cloud.ofType('gcp:dns/recordSet:RecordSet')).toEqual([]);
    expect(appObjects(cloud).map((o) => o.kind)).not.toContain('Ingress');
    expect(await valueOf(program.appUrl)).toMatch(/^http:\/\//);
    expect(await valueOf(program.websocketUrl)).toMatch(/^ws:\/\/.*\/ws\/jobs\/\{job_id\}$/);
  });
});

describe('JWT secret', () => {
  it('is generated with @pulumi/random when the stack sets none, and lands in the Secret as a secret', async () => {
    const withoutJwt = without(stackConfig, 'personalizedline:jwtSecret');
    const { cloud, program } = await runProgram(withoutJwt);
    const password = cloud.one('random:index/randomPassword:RandomPassword', 'jwt-secret');
    expect(password.inputs).toMatchObject({ length: 64, special: false });
    const secret = cloud.one('kubernetes:core/v1:Secret', 'app-secret');
    expect((revealSecret(secret.inputs.stringData) as Record<string, string>).JWT_SECRET).toBe(generatedSecret);
    expect(isSecretAt(secret.inputs, ['stringData', 'JWT_SECRET'])).toBe(true);
    // Exported (as a secret) so operators and deploy's verification can mint tokens with it.
    expect(await valueOf(program.jwtSecret!)).toBe(generatedSecret);
    expect(await pulumi.isSecret(program.jwtSecret!)).toBe(true);
  });

  it('uses the configured one as it is, and generates nothing', async () => {
    const { cloud, program } = await runProgram(stackConfig);
    expect(cloud.ofType('random:index/randomPassword:RandomPassword')).toEqual([]);
    expect(program.jwtSecret).toBeUndefined();
    const secret = cloud.one('kubernetes:core/v1:Secret', 'app-secret');
    expect((revealSecret(secret.inputs.stringData) as Record<string, string>).JWT_SECRET).toBe(
      stackConfig['personalizedline:jwtSecret'],
    );
  });

  it('refuses a configured secret shorter than 32 bytes (RFC 7518 §3.2)', async () => {
    await installMockCloud();
    expect(() => checkedJwtSecret('abc')).toThrow(/jwtSecret is 3 bytes; it must be at least 32 \(RFC 7518 §3.2\)/);
    expect(() => checkedJwtSecret('x'.repeat(31))).toThrow(pulumi.RunError);
    const fine = jwtSecretOrGenerated(pulumi.output('k'.repeat(32)));
    expect(await valueOf(fine)).toBe('k'.repeat(32));
    expect(await pulumi.isSecret(fine)).toBe(true);
  });
});
