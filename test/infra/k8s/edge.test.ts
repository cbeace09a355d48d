/**
 * EDGE=ingress: GKE's HTTP(S) load balancer in front of the web pods, for HTTPS and WSS on a domain.
 * What is synthesized, that it is strictly valid (kubernetes-models and @kubernetes-models/gke plus the
 * unknown-field walk), and that a misspelt field of a GKE kind fails like one of a built-in kind.
 */
import { describe, expect, it } from 'vitest';
import { googleFrontEndRanges } from '../../../infra/k8s/google-edge.js';
import { checkKubeSchema } from '../../../infra/k8s/validation/kube-schema.js';
import { checkUnknownFields } from '../../../infra/k8s/validation/strict-fields.js';
import { validateManifestObjects } from '../../../infra/k8s/validation/validate-manifests.js';
import { clone, envByName, findObject, onlyContainer, synthObjects, type KubeObject } from './support/manifests.js';

const ingress = { edge: 'ingress', domain: 'api.example.com' } as const;
const names = (objects: KubeObject[]): string[] => objects.map((o) => `${o.kind} ${o.metadata.name}`);

describe('EDGE=ingress', () => {
  const objects = synthObjects(ingress);
  const web = findObject(objects, 'Deployment', 'web');
  const container = onlyContainer(web);

  it('adds the Ingress, the certificate, the backend and frontend configs and the web NetworkPolicy to the default objects', () => {
    const defaults = names(synthObjects());
    expect(names(objects)).toEqual([
      ...defaults,
      'Ingress web',
      'ManagedCertificate web',
      'BackendConfig web',
      'FrontendConfig web',
      'NetworkPolicy web',
    ]);
    const clusterScoped = ['Namespace', 'StorageClass'];
    expect(new Set(objects.filter((o) => !clusterScoped.includes(o.kind)).map((o) => o.metadata.namespace))).toEqual(
      new Set(['personalizedline']),
    );
  });

  it('passes every offline check', () => {
    expect(validateManifestObjects(objects)).toEqual([]);
    expect(
      validateManifestObjects(
        synthObjects({ ...ingress, sessionAffinity: 'ClientIP', namespace: 'staging', staticIpName: 'staging-web' }),
      ),
    ).toEqual([]);
  });

  it('routes the domain to Service web port 80 through the gce class, on the named static IP, with the certificate and the redirect', () => {
    const object = findObject(objects, 'Ingress', 'web');
    expect(object.metadata.annotations).toEqual({
      'kubernetes.io/ingress.class': 'gce',
      'kubernetes.io/ingress.global-static-ip-name': 'web',
      'networking.gke.io/managed-certificates': 'web',
      'networking.gke.io/v1beta1.FrontendConfig': 'web',
    });
    expect(object.spec!.rules).toEqual([
      {
        host: 'api.example.com',
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
        },
      },
    ]);
    const named = findObject(synthObjects({ ...ingress, staticIpName: 'pl-prod-ip' }), 'Ingress', 'web');
    expect(named.metadata.annotations!['kubernetes.io/ingress.global-static-ip-name']).toBe('pl-prod-ip');
    expect(findObject(objects, 'ManagedCertificate', 'web')).toMatchObject({
      apiVersion: 'networking.gke.io/v1',
      spec: { domains: ['api.example.com'] },
    });
    expect(findObject(objects, 'FrontendConfig', 'web')).toMatchObject({
      apiVersion: 'networking.gke.io/v1beta1',
      spec: { redirectToHttps: { enabled: true } },
    });
  });

  it('makes Service web a ClusterIP behind a NEG, with the BackendConfig, still port 80 to 8080', () => {
    const service = findObject(objects, 'Service', 'web');
    expect(service.spec!.type).toBe('ClusterIP');
    expect(service.metadata.annotations).toEqual({
      'cloud.google.com/neg': '{"ingress": true}',
      'cloud.google.com/backend-config': '{"default":"web"}',
    });
    expect(service.spec!.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }]);
  });

  it('keeps WebSockets for an hour, drains no longer than the pod does, and checks health on the readiness path', () => {
    const backend = findObject(objects, 'BackendConfig', 'web');
    expect(backend.apiVersion).toBe('cloud.google.com/v1');
    expect(backend.spec!.timeoutSec).toBeGreaterThanOrEqual(3600);
    // The pod's drain: the WebSocket close window after SIGTERM, as the Deployment configures it.
    const podDrainSeconds = Number(envByName(container).get('SHUTDOWN_TIMEOUT_MS')?.value) / 1000;
    expect(backend.spec!.connectionDraining!.drainingTimeoutSec).toBeGreaterThan(0);
    expect(backend.spec!.connectionDraining!.drainingTimeoutSec).toBeLessThanOrEqual(podDrainSeconds);
    expect(backend.spec!.healthCheck!.requestPath).toBe(container.readinessProbe!.httpGet!.path);
    expect(backend.spec!.healthCheck!.port).toBe(container.ports![0]!.containerPort);
    expect(backend.spec!.sessionAffinity).toBeUndefined();
  });

  it('sets CLIENT_IP affinity on the backend service when SESSION_AFFINITY=ClientIP', () => {
    const affine = synthObjects({ ...ingress, sessionAffinity: 'ClientIP' });
    expect(findObject(affine, 'BackendConfig', 'web').spec!.sessionAffinity).toEqual({ affinityType: 'CLIENT_IP' });
    expect(findObject(affine, 'Service', 'web').spec!.sessionAffinity).toBe('ClientIP');
  });

  it("lets Google's front ends and health checks reach the web pods, and trusts only them as proxies", () => {
    const policy = findObject(objects, 'NetworkPolicy', 'web');
    expect(policy.spec!.podSelector).toEqual({ matchLabels: { app: 'web' } });
    expect(policy.spec!.policyTypes).toEqual(['Ingress']);
    const [rule] = policy.spec!.ingress!;
    expect(rule!.from!.filter((peer) => peer.ipBlock).map((peer) => peer.ipBlock!.cidr)).toEqual([
      '130.211.0.0/22',
      '35.191.0.0/16',
    ]);
    expect(rule!.ports).toEqual([{ protocol: 'TCP', port: container.ports![0]!.containerPort }]);
    expect(envByName(container).get('TRUST_PROXY')?.value).toBe(googleFrontEndRanges.join(','));
  });

  it("gives the web container the frontends' ALLOWED_ORIGINS, with either edge", () => {
    const origins = ['https://app.example.com', 'http://localhost:3000'];
    for (const edge of ['ingress', 'loadbalancer'] as const) {
      const withOrigins = synthObjects({ ...ingress, edge, allowedOrigins: origins });
      expect(envByName(onlyContainer(findObject(withOrigins, 'Deployment', 'web'))).get('ALLOWED_ORIGINS')?.value).toBe(
        origins.join(','),
      );
      expect(envByName(onlyContainer(findObject(withOrigins, 'Deployment', 'rq-worker'))).has('ALLOWED_ORIGINS')).toBe(
        false,
      );
      expect(validateManifestObjects(withOrigins)).toEqual([]);
    }
    expect(envByName(container).has('ALLOWED_ORIGINS')).toBe(false);
  });

  it('changes nothing of the default output when EDGE is loadbalancer', () => {
    expect(synthObjects({ edge: 'loadbalancer', domain: 'api.example.com' })).toEqual(synthObjects());
    expect(envByName(onlyContainer(findObject(synthObjects(), 'Deployment', 'web'))).has('TRUST_PROXY')).toBe(false);
  });
});

describe('strict checks of the GKE kinds', () => {
  const objects = synthObjects({ ...ingress, sessionAffinity: 'ClientIP' });
  const backend = findObject(objects, 'BackendConfig', 'web');

  it('fail a misspelt BackendConfig field that the @kubernetes-models/gke validator lets through', () => {
    const broken = clone(backend);
    Object.assign(broken.spec!, { timeoutSecs: broken.spec!.timeoutSec });
    delete broken.spec!.timeoutSec;
    expect(checkKubeSchema(broken, 'BackendConfig web')).toEqual([]);
    expect(checkUnknownFields(broken, 'BackendConfig web')).toEqual([
      'BackendConfig web: spec.timeoutSecs: unknown field "timeoutSecs" (not in BackendConfig spec)',
    ]);
  });

  it('find typos at any depth and in every GKE kind, and in the Ingress', () => {
    const deep = clone(backend);
    Object.assign(deep.spec!.healthCheck!, { requestpath: '/ready' });
    Object.assign(deep.spec!.sessionAffinity!, { affinity: 'CLIENT_IP' });
    Object.assign(deep.metadata, { lables: {} });
    expect(checkUnknownFields(deep, 'BackendConfig web')).toEqual([
      'BackendConfig web: metadata.lables: unknown field "lables" (not in BackendConfig metadata)',
      'BackendConfig web: spec.healthCheck.requestpath: unknown field "requestpath" (not in BackendConfig spec.healthCheck)',
      'BackendConfig web: spec.sessionAffinity.affinity: unknown field "affinity" (not in BackendConfig spec.sessionAffinity)',
    ]);
    const certificate = clone(findObject(objects, 'ManagedCertificate', 'web'));
    Object.assign(certificate.spec!, { domain: certificate.spec!.domains });
    expect(checkUnknownFields(certificate, 'ManagedCertificate web')).toEqual([
      'ManagedCertificate web: spec.domain: unknown field "domain" (not in ManagedCertificate spec)',
    ]);
    const frontend = clone(findObject(objects, 'FrontendConfig', 'web'));
    Object.assign(frontend.spec!, { redirectToHTTPS: frontend.spec!.redirectToHttps });
    expect(checkUnknownFields(frontend, 'FrontendConfig web')).toHaveLength(1);
    const route = clone(findObject(objects, 'Ingress', 'web'));
    Object.assign(route.spec!.rules![0]!, { hosts: ['api.example.com'] });
    expect(checkUnknownFields(route, 'Ingress web')).toEqual([
      'Ingress web: spec.rules[0].hosts: unknown field "hosts" (not in IngressRule)',
    ]);
  });

  it('fail wrong JSON types in the walk, and wrong types and missing required fields in the validators', () => {
    const typed = clone(backend);
    Object.assign(typed.spec!, { timeoutSec: '3600', healthCheck: ['/ready'] });
    expect(checkUnknownFields(typed, 'BackendConfig web')).toEqual([
      'BackendConfig web: spec.healthCheck: expected an object, got an array',
      'BackendConfig web: spec.timeoutSec: expected number, got string',
    ]);
    expect(checkKubeSchema(typed, 'BackendConfig web')[0]).toMatch(
      /healthCheck must be object, .*timeoutSec must be integer/,
    );
    const frontend = clone(findObject(objects, 'FrontendConfig', 'web'));
    Reflect.deleteProperty(frontend.spec!.redirectToHttps!, 'enabled');
    expect(checkKubeSchema(frontend, 'FrontendConfig web')[0]).toMatch(/must have required property enabled/);
  });

  it('reports a kind that has no model, so a new kind cannot slip through unchecked', () => {
    expect(
      checkUnknownFields({ apiVersion: 'networking.gke.io/v1', kind: 'GCPBackendPolicy' }, 'GCPBackendPolicy x'),
    ).toHaveLength(1);
    expect(
      checkKubeSchema({ apiVersion: 'networking.gke.io/v1', kind: 'GCPBackendPolicy' }, 'GCPBackendPolicy x'),
    ).toHaveLength(1);
  });
});
