/**
 * MONITORING=gmp (the default): PodMonitoring `web` and `rq-worker` for Google Managed Prometheus'
 * collectors, scraping each workload's named metrics port, and a NetworkPolicy that lets only the
 * collectors reach the worker. Strictly valid against the CRD's schema (the repository's own, as no
 * model is published), and a misspelt or mistyped field fails as it does for built-in kinds.
 */
import { describe, expect, it } from 'vitest';
import { checkKubeSchema } from '../../../infra/k8s/validation/kube-schema.js';
import { checkUnknownFields } from '../../../infra/k8s/validation/strict-fields.js';
import { validateManifestObjects } from '../../../infra/k8s/validation/validate-manifests.js';
import { durationMs } from '../../../infra/k8s/validation/object-schema.js';
import { clone, envByName, findObject, onlyContainer, synthObjects, type KubeObject } from './support/manifests.js';

const names = (objects: KubeObject[]): string[] => objects.map((o) => `${o.kind} ${o.metadata.name}`);

describe('MONITORING=gmp', () => {
  const objects = synthObjects({ monitoring: 'gmp' });

  it('is the default, and adds PodMonitoring web and rq-worker and the worker NetworkPolicy', () => {
    expect(names(synthObjects())).toEqual(names(objects));
    const without = names(synthObjects({ monitoring: 'none' }));
    expect(names(objects)).toEqual([
      ...without,
      'PodMonitoring web',
      'PodMonitoring rq-worker',
      'NetworkPolicy rq-worker',
    ]);
  });

  it.each([
    ['web', 'web'],
    ['rq-worker', 'rq-worker'],
  ])('PodMonitoring %s selects app=%s and scrapes /metrics on a named port of its container', (name, app) => {
    const monitor = findObject(objects, 'PodMonitoring', name);
    expect(monitor.apiVersion).toBe('monitoring.googleapis.com/v1');
    expect(monitor.metadata.namespace).toBe('personalizedline');
    expect(monitor.spec.selector).toEqual({ matchLabels: { app } });
    const workload = findObject(objects, 'Deployment', app);
    // The selector picks exactly this workload's pods.
    expect(workload.spec!.template.metadata!.labels).toMatchObject(monitor.spec.selector.matchLabels);
    const [endpoint] = monitor.spec.endpoints;
    expect(endpoint).toMatchObject({ path: '/metrics', interval: '30s' });
    expect(durationMs(endpoint!.timeout)).toBeLessThanOrEqual(durationMs(endpoint!.interval)!);
    const port = onlyContainer(workload).ports!.find((p) => p.name === endpoint!.port);
    expect(port, `container port named ${endpoint!.port}`).toBeDefined();
  });

  it('tells the worker its metrics port through WORKER_METRICS_PORT, the container port named metrics', () => {
    const worker = onlyContainer(findObject(objects, 'Deployment', 'rq-worker'));
    expect(worker.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    expect(envByName(worker).get('WORKER_METRICS_PORT')?.value).toBe('9464');
  });

  it('lets only the collectors in namespace gmp-system reach the worker, on its metrics port only', () => {
    const policy = findObject(objects, 'NetworkPolicy', 'rq-worker');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { app: 'rq-worker' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } } }],
          ports: [{ protocol: 'TCP', port: 9464 }],
        },
      ],
    });
  });

  it('keeps the collectors admitted to the web pods behind the Ingress', () => {
    const ingressObjects = synthObjects({ edge: 'ingress', domain: 'api.example.com' });
    const rules = findObject(ingressObjects, 'NetworkPolicy', 'web').spec!.ingress!;
    expect(
      rules.some(
        (rule) =>
          rule.from!.some(
            (peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'gmp-system',
          ) && rule.ports!.some((p) => p.port === 8080),
      ),
    ).toBe(true);
  });

  it('passes every offline check, also in another namespace and behind the Ingress', () => {
    expect(validateManifestObjects(objects)).toEqual([]);
    expect(
      validateManifestObjects(synthObjects({ namespace: 'staging', edge: 'ingress', domain: 'api.example.com' })),
    ).toEqual([]);
  });
});

describe('MONITORING=none', () => {
  it('writes no PodMonitoring and no worker NetworkPolicy, and leaves the rest as it is', () => {
    const objects = synthObjects({ monitoring: 'none' });
    expect(objects.filter((o) => o.kind === 'PodMonitoring')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['redis']);
    const gmp = synthObjects({ monitoring: 'gmp' });
    expect(objects).toEqual(
      gmp.filter(
        (o) => !(o.kind === 'PodMonitoring' || (o.kind === 'NetworkPolicy' && o.metadata.name === 'rq-worker')),
      ),
    );
    expect(validateManifestObjects(objects)).toEqual([]);
  });
});

describe('the PodMonitoring schema check', () => {
  const monitor = findObject(synthObjects(), 'PodMonitoring', 'rq-worker');

  it('fails a misspelt field at any depth, which the API server would prune', () => {
    const broken = clone(monitor);
    Object.assign(broken.spec.endpoints[0]!, { intervall: '30s' });
    Object.assign(broken.spec, { selectr: {} });
    expect(checkUnknownFields(broken, 'PodMonitoring rq-worker')).toEqual([
      'PodMonitoring rq-worker: spec.endpoints[0].intervall: unknown field "intervall" (not in PodMonitoring spec.endpoints[0])',
      'PodMonitoring rq-worker: spec.selectr: unknown field "selectr" (not in PodMonitoring spec)',
    ]);
  });

  it('fails missing required fields, wrong types, bad durations and a timeout above the interval', () => {
    const broken = clone(monitor);
    Reflect.deleteProperty(broken.spec, 'selector');
    Object.assign(broken.spec.endpoints[0]!, { port: '', path: 9464, interval: '30 seconds' });
    const [problem] = checkKubeSchema(broken, 'PodMonitoring rq-worker');
    expect(problem).toMatch(/^PodMonitoring rq-worker: /);
    expect(problem).toContain('spec.selector is required');
    expect(problem).toContain('spec.endpoints[0].port must have at least 1 characters');
    expect(problem).toContain('spec.endpoints[0].path expected a string, got number');
    expect(problem).toContain('spec.endpoints[0].interval must be a Prometheus duration like 30s, got "30 seconds"');

    const slow = clone(monitor);
    Object.assign(slow.spec.endpoints[0]!, { timeout: '1m' });
    expect(checkKubeSchema(slow, 'PodMonitoring rq-worker')).toEqual([
      'PodMonitoring rq-worker: spec.endpoints[0] scrape timeout (1m) must not be greater than scrape interval (30s)',
    ]);
    const empty = clone(monitor);
    Object.assign(empty.spec, { endpoints: [] });
    expect(checkKubeSchema(empty, 'PodMonitoring rq-worker')[0]).toContain('spec.endpoints must have at least 1 items');
  });

  it('reads Prometheus durations as the CRD does', () => {
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('250ms')).toBe(250);
    expect(durationMs('0')).toBe(0);
    for (const bad of ['', '30', '1.5s', 's', '30S']) expect(durationMs(bad), bad).toBeUndefined();
  });
});
