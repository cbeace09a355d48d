/**
 * Autoscaling (WEB_MAX_REPLICAS / WORKER_MAX_REPLICAS above 1) and an external Redis (REDIS=external):
 * what is synthesized, that it holds together with the Service, the edge and the drain, and that a
 * misspelt field of the new kinds fails the strict checks like any other.
 */
import { describe, expect, it } from 'vitest';
import { RECONNECT_POLICY } from '../../../app/domain/wire-contract.js';
import { CONFIG_DEFAULTS } from '../../../app/config.js';
import { cpuUtilizationTarget } from '../../../infra/k8s/autoscaling.js';
import { edgeDrainingTimeoutSeconds } from '../../../infra/k8s/edge-chart.js';
import { containerBudgets } from '../../../infra/k8s/resources.js';
import { checkKubeSchema } from '../../../infra/k8s/validation/kube-schema.js';
import { checkUnknownFields } from '../../../infra/k8s/validation/strict-fields.js';
import { validateManifestObjects } from '../../../infra/k8s/validation/validate-manifests.js';
import { webPreStopPauseSeconds, webTerminationGracePeriodSeconds } from '../../../infra/k8s/web-chart.js';
import { clone, envByName, findObject, onlyContainer, synthObjects } from './support/manifests.js';

const scaled = synthObjects({ webReplicas: 2, webMaxReplicas: 4, workerMaxReplicas: 3 });

describe('autoscaling', () => {
  it('scales each Deployment between its replica setting and its max on CPU, named like the Deployment', () => {
    for (const [name, min, max] of [
      ['web', 2, 4],
      ['rq-worker', 1, 3],
    ] as const) {
      const hpa = findObject(scaled, 'HorizontalPodAutoscaler', name);
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec).toMatchObject({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: min,
        maxReplicas: max,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 200 } } },
        ],
      });
      expect(findObject(scaled, 'Deployment', name).spec).not.toHaveProperty('replicas');
    }
  });

  it('sets the CPU target at 40 % of the limit, read as a share of the request', () => {
    // 500m allowed, 100m requested: 40 % of the limit is 200m, which is 200 % of the request.
    expect(cpuUtilizationTarget(containerBudgets.web)).toBe(200);
    expect(cpuUtilizationTarget({ cpuRequest: '250m', cpuLimit: '1', memoryRequest: '1Mi', memoryLimit: '1Mi' })).toBe(
      160,
    );
  });

  it('removes web pods no faster than one drain spreads the reconnects, and leaves workers to the default', () => {
    const scaleDown = findObject(scaled, 'HorizontalPodAutoscaler', 'web').spec.behavior!.scaleDown;
    const period =
      webTerminationGracePeriodSeconds +
      Math.ceil((RECONNECT_POLICY.backoffBaseMs + CONFIG_DEFAULTS.wsDrainWindowMs) / 1000);
    expect(scaleDown).toEqual({
      stabilizationWindowSeconds: 300,
      policies: [{ type: 'Pods', value: 1, periodSeconds: period }],
    });
    expect(period).toBe(35);
    // The previous pod is gone (grace period) and the load balancer has stopped draining it.
    expect(period).toBeGreaterThan(webTerminationGracePeriodSeconds);
    expect(period).toBeGreaterThan(webPreStopPauseSeconds + edgeDrainingTimeoutSeconds);
    expect(findObject(scaled, 'HorizontalPodAutoscaler', 'rq-worker').spec).not.toHaveProperty('behavior');
  });

  it('lets a drain take one pod at a time, and spreads the pods over zones and nodes', () => {
    for (const name of ['web', 'rq-worker']) {
      const deployment = findObject(scaled, 'Deployment', name);
      expect(findObject(scaled, 'PodDisruptionBudget', name)).toMatchObject({
        apiVersion: 'policy/v1',
        spec: { maxUnavailable: 1, selector: deployment.spec!.selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
      const spread = deployment.spec!.template.spec!.topologySpreadConstraints!;
      expect(spread.map((c) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
      for (const constraint of spread) {
        expect(constraint).toMatchObject({
          maxSkew: 1,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: deployment.spec!.selector,
        });
      }
    }
  });

  it('keeps the edge coherent with several web pods: the NEG Service, the budget, the policy and the autoscaler select the same pods', () => {
    const objects = synthObjects({
      webMaxReplicas: 4,
      edge: 'ingress',
      domain: 'api.example.com',
      sessionAffinity: 'ClientIP',
    });
    expect(validateManifestObjects(objects)).toEqual([]);
    const pods = findObject(objects, 'Deployment', 'web').spec!.template.metadata!.labels!;
    const selects = (selector: Record<string, string>): boolean =>
      Object.entries(selector).every(([k, v]) => pods[k] === v);
    expect(selects(findObject(objects, 'Service', 'web').spec!.selector!)).toBe(true);
    expect(selects(findObject(objects, 'PodDisruptionBudget', 'web').spec!.selector!.matchLabels!)).toBe(true);
    expect(selects(findObject(objects, 'NetworkPolicy', 'web').spec!.podSelector!.matchLabels!)).toBe(true);
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.name).toBe('web');
    // Behind a NEG the backend service's own affinity pins clients, as ClientIP does on a Service.
    expect(findObject(objects, 'BackendConfig', 'web').spec!.sessionAffinity).toEqual({ affinityType: 'CLIENT_IP' });
  });

  it('fails a misspelt autoscaler or budget field, and a budget that is not a number or percentage', () => {
    const copy = clone(scaled);
    Object.assign(findObject(copy, 'HorizontalPodAutoscaler', 'web').spec.metrics![0]!.resource!.target, {
      averageUtilisation: 70,
    });
    Object.assign(findObject(copy, 'PodDisruptionBudget', 'web').spec!, { maxUnavailble: 1 });
    expect(validateManifestObjects(copy)).toEqual([
      'HorizontalPodAutoscaler web: spec.metrics[0].resource.target.averageUtilisation: unknown field "averageUtilisation" (not in MetricTargetV2)',
      'PodDisruptionBudget web: spec.maxUnavailble: unknown field "maxUnavailble" (not in PodDisruptionBudgetSpec)',
    ]);
    const missing = clone(findObject(scaled, 'HorizontalPodAutoscaler', 'web'));
    Reflect.deleteProperty(missing.spec, 'maxReplicas');
    expect(checkKubeSchema(missing, 'HorizontalPodAutoscaler web')[0]).toMatch(/maxReplicas/);
    expect(checkUnknownFields(findObject(scaled, 'PodDisruptionBudget', 'web'), 'PodDisruptionBudget web')).toEqual([]);
  });
});

describe('REDIS=external', () => {
  const objects = synthObjects({ redis: 'external' });

  it('writes no Redis workload, Service, NetworkPolicy or storage, and nothing that names Service redis', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'Namespace personalizedline',
      'Deployment rq-worker',
      'Deployment web',
      'Service web',
      'PodMonitoring web',
      'PodMonitoring rq-worker',
      'NetworkPolicy rq-worker',
    ]);
    expect(JSON.stringify(objects)).not.toMatch(/redis:6379|PersistentVolumeClaim|StorageClass/);
    expect(validateManifestObjects(objects)).toEqual([]);
  });

  it('gives the app pods REDIS_URL from the Secret and its CA as REDIS_TLS_CA_FILE, and no Redis password', () => {
    for (const name of ['web', 'rq-worker']) {
      const deployment = findObject(objects, 'Deployment', name);
      const env = envByName(onlyContainer(deployment));
      expect(env.get('REDIS_URL')!.valueFrom!.secretKeyRef).toMatchObject({
        key: 'REDIS_URL',
        name: 'personalizedline-secrets',
      });
      expect(env.get('REDIS_TLS_CA_FILE')!.value).toBe('/etc/redis-tls/ca.crt');
      expect(env.has('REDIS_PASSWORD')).toBe(false);
      expect(onlyContainer(deployment).volumeMounts).toContainEqual({
        name: 'redis-tls',
        mountPath: '/etc/redis-tls',
        readOnly: true,
      });
      expect(deployment.spec!.template.spec!.volumes).toContainEqual({
        name: 'redis-tls',
        secret: {
          secretName: 'personalizedline-secrets',
          items: [{ key: 'REDIS_TLS_CA', path: 'ca.crt' }],
          optional: false,
        },
      });
    }
  });
});
