/**
 * Each synth override changes exactly what it names and nothing else. The overrides go through
 * `manifestOptionsFromEnv` — the same path as `npm run synth` (synth-cli.test.ts runs the entry itself).
 */
import { describe, expect, it } from 'vitest';
import { defaultRedisImage, manifestOptionsFromEnv } from '../../../infra/k8s/options.js';
import { synthesizeManifests } from '../../../infra/k8s/synthesize.js';
import {
  envByName,
  findObject,
  isKind,
  onlyContainer,
  parseObjects,
  podTemplateOf,
  synthObjects,
  type KubeModel,
  type KubeObject,
} from './support/manifests.js';

const defaults = synthObjects();

function synthFromEnv(env: Record<string, string>): KubeObject[] {
  return parseObjects(synthesizeManifests(manifestOptionsFromEnv(env)));
}

/** The defaults with `edit` applied: what an override's output must equal exactly. */
function expectedWith(edit: (objects: KubeObject[]) => void): KubeObject[] {
  const objects = structuredClone(defaults);
  edit(objects);
  return objects;
}

const appWorkloads = (objects: KubeObject[]): KubeModel<'Deployment'>[] => [
  findObject(objects, 'Deployment', 'web'),
  findObject(objects, 'Deployment', 'rq-worker'),
];

describe('synth overrides', () => {
  it('IMAGE sets the web and rq-worker image and leaves Redis its own', () => {
    const image = 'europe-west1-docker.pkg.dev/proj/repo/personalizedline:v42';
    expect(synthFromEnv({ IMAGE: image })).toEqual(
      expectedWith((objects) => {
        for (const workload of appWorkloads(objects)) onlyContainer(workload).image = image;
      }),
    );
    expect(onlyContainer(findObject(synthFromEnv({ IMAGE: image }), 'StatefulSet', 'redis')).image).toBe(
      defaultRedisImage,
    );
  });

  it('IMAGE pinned by digest is pulled only when missing from the node', () => {
    const image = `europe-west1-docker.pkg.dev/proj/repo/personalizedline@sha256:${'c'.repeat(64)}`;
    expect(synthFromEnv({ IMAGE: image })).toEqual(
      expectedWith((objects) => {
        for (const workload of appWorkloads(objects))
          Object.assign(onlyContainer(workload), { image, imagePullPolicy: 'IfNotPresent' });
      }),
    );
  });

  it('ENABLE_WEBSOCKET=false reaches the web container and nothing else', () => {
    expect(synthFromEnv({ ENABLE_WEBSOCKET: 'false' })).toEqual(
      expectedWith((objects) => {
        envByName(onlyContainer(findObject(objects, 'Deployment', 'web'))).get('ENABLE_WEBSOCKET')!.value = 'false';
      }),
    );
  });

  it('SESSION_AFFINITY=ClientIP turns on affinity with the default 3 h timeout', () => {
    expect(synthFromEnv({ SESSION_AFFINITY: 'ClientIP' })).toEqual(
      expectedWith((objects) => {
        Object.assign(findObject(objects, 'Service', 'web').spec!, {
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        });
      }),
    );
  });

  it('SESSION_AFFINITY_TIMEOUT_SECONDS sets the timeout, and only matters with ClientIP', () => {
    const service = findObject(
      synthFromEnv({ SESSION_AFFINITY: 'ClientIP', SESSION_AFFINITY_TIMEOUT_SECONDS: '600' }),
      'Service',
      'web',
    );
    expect(service.spec!.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 600 } });
    expect(synthFromEnv({ SESSION_AFFINITY_TIMEOUT_SECONDS: '600' })).toEqual(defaults);
  });

  it('NAMESPACE renames the Namespace and moves every object into it', () => {
    expect(synthFromEnv({ NAMESPACE: 'staging' })).toEqual(
      expectedWith((objects) => {
        for (const object of objects) {
          if (object.kind === 'Namespace') object.metadata.name = 'staging';
          else if (object.kind === 'StorageClass') object.metadata.name = 'staging-redis-retain';
          else object.metadata.namespace = 'staging';
          // The own StorageClass is named after the namespace (it is cluster-scoped).
          if (isKind(object, 'StatefulSet'))
            object.spec!.volumeClaimTemplates![0]!.spec!.storageClassName = 'staging-redis-retain';
        }
      }),
    );
  });

  it('WEB_REPLICAS and WORKER_REPLICAS scale their Deployments only', () => {
    expect(synthFromEnv({ WEB_REPLICAS: '2', WORKER_REPLICAS: '0' })).toEqual(
      expectedWith((objects) => {
        findObject(objects, 'Deployment', 'web').spec!.replicas = 2;
        findObject(objects, 'Deployment', 'rq-worker').spec!.replicas = 0;
      }),
    );
  });

  it('WEB_MAX_REPLICAS and WORKER_MAX_REPLICAS hand each Deployment to an autoscaler and add its disruption budget', () => {
    const objects = synthFromEnv({ WEB_MAX_REPLICAS: '4', WORKER_MAX_REPLICAS: '3' });
    const added = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'PodDisruptionBudget');
    expect(added.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'HorizontalPodAutoscaler rq-worker',
      'PodDisruptionBudget rq-worker',
      'HorizontalPodAutoscaler web',
      'PodDisruptionBudget web',
    ]);
    expect(objects.filter((o) => !added.includes(o))).toEqual(
      expectedWith((defaultObjects) => {
        for (const workload of appWorkloads(defaultObjects)) {
          delete workload.spec!.replicas;
          workload.spec!.template.spec!.topologySpreadConstraints = [
            'topology.kubernetes.io/zone',
            'kubernetes.io/hostname',
          ].map((topologyKey) => ({
            labelSelector: { matchLabels: { app: workload.metadata.name! } },
            matchLabelKeys: ['pod-template-hash'],
            maxSkew: 1,
            topologyKey,
            whenUnsatisfiable: 'ScheduleAnyway',
          }));
        }
      }),
    );
    expect(synthFromEnv({ WEB_MAX_REPLICAS: '1', WORKER_MAX_REPLICAS: '1' })).toEqual(defaults);
  });

  it('REDIS=external leaves out the Redis workload, Service, NetworkPolicy and disk class, and mounts the CA into the app pods', () => {
    const objects = synthFromEnv({ REDIS: 'external' });
    expect(objects).toEqual(
      expectedWith((defaultObjects) => {
        for (const kind of ['StatefulSet', 'Service', 'NetworkPolicy'])
          defaultObjects.splice(defaultObjects.indexOf(findObject(defaultObjects, kind, 'redis')), 1);
        defaultObjects.splice(
          defaultObjects.indexOf(findObject(defaultObjects, 'StorageClass', 'personalizedline-redis-retain')),
          1,
        );
        for (const workload of appWorkloads(defaultObjects)) {
          const container = onlyContainer(workload);
          const at = container.env!.findIndex((e) => e.name === 'REDIS_URL') + 1;
          container.env!.splice(at, 0, { name: 'REDIS_TLS_CA_FILE', value: '/etc/redis-tls/ca.crt' });
          container.volumeMounts!.push({ mountPath: '/etc/redis-tls', name: 'redis-tls', readOnly: true });
          workload.spec!.template.spec!.volumes!.push({
            name: 'redis-tls',
            secret: {
              items: [{ key: 'REDIS_TLS_CA', path: 'ca.crt' }],
              optional: false,
              secretName: 'personalizedline-secrets',
            },
          });
        }
      }),
    );
  });

  it('SECRET_NAME repoints every secret reference', () => {
    const objects = synthFromEnv({ SECRET_NAME: 'other' });
    const refs = objects
      .flatMap((o) => podTemplateOf(o)?.spec?.containers ?? [])
      .flatMap((c) => c.env!.filter((e) => e.valueFrom).map((e) => e.valueFrom!.secretKeyRef!.name));
    expect(refs).toHaveLength(6);
    expect(new Set(refs)).toEqual(new Set(['other']));
  });

  it('REDIS_IMAGE, REDIS_STORAGE and REDIS_STORAGE_CLASS change the StatefulSet and drop the own StorageClass', () => {
    expect(
      synthFromEnv({ REDIS_IMAGE: 'redis:7.4.11-alpine', REDIS_STORAGE: '5Gi', REDIS_STORAGE_CLASS: 'premium-rwo' }),
    ).toEqual(
      expectedWith((objects) => {
        const redis = findObject(objects, 'StatefulSet', 'redis');
        // A tag can move, so it is pulled on every start; the default is pinned by digest.
        Object.assign(onlyContainer(redis), { image: 'redis:7.4.11-alpine', imagePullPolicy: 'Always' });
        Object.assign(redis.spec!.volumeClaimTemplates![0]!.spec!, {
          resources: { requests: { storage: '5Gi' } },
          storageClassName: 'premium-rwo',
        });
        objects.splice(
          objects.findIndex((o) => o.kind === 'StorageClass'),
          1,
        );
      }),
    );
  });

  it("LOG_LEVEL sets the app containers' LOG_LEVEL", () => {
    expect(synthFromEnv({ LOG_LEVEL: 'debug' })).toEqual(
      expectedWith((objects) => {
        for (const workload of appWorkloads(objects))
          envByName(onlyContainer(workload)).get('LOG_LEVEL')!.value = 'debug';
      }),
    );
  });
});
