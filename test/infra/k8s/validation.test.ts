/**
 * Offline validation: every synthesized object against the Kubernetes schema (kubernetes-models
 * 4.5.1), the strict unknown-field walk, and the house policy — and proof that each check catches
 * what it is there for.
 */
import { describe, expect, it } from 'vitest';
import type { ManifestOptions } from '../../../infra/k8s/options.js';
import { checkKubeSchema } from '../../../infra/k8s/validation/kube-schema.js';
import { checkPolicy } from '../../../infra/k8s/validation/policy.js';
import { checkUnknownFields } from '../../../infra/k8s/validation/strict-fields.js';
import { validateManifestObjects } from '../../../infra/k8s/validation/validate-manifests.js';
import {
  clone,
  findObject,
  onlyContainer,
  synthObjects,
  type KubeModel,
  type KubeObject,
} from './support/manifests.js';

const variants: Record<string, Partial<ManifestOptions>> = {
  default: {},
  'every override': {
    namespace: 'staging',
    image: `europe-docker.pkg.dev/p/r/app@sha256:${'b'.repeat(64)}`,
    enableWebsocket: false,
    sessionAffinity: 'ClientIP',
    sessionAffinityTimeoutSeconds: 3600,
    webReplicas: 2,
    workerReplicas: 0,
    secretName: 'staging-secrets',
    redisImage: 'redis:7.2.5-alpine',
    redisStorage: '2Gi',
    redisStorageClass: 'premium-rwo',
    logLevel: 'warn',
  },
  'autoscaled, with an external Redis, behind the Ingress': {
    webReplicas: 2,
    webMaxReplicas: 4,
    workerMaxReplicas: 3,
    redis: 'external',
    edge: 'ingress',
    domain: 'api.example.com',
  },
};

describe.each(Object.entries(variants))('the %s synthesis', (_name, overrides) => {
  const objects = synthObjects(overrides);

  it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))(
    '%s validates with kubernetes-models',
    (where, object) => {
      expect(checkKubeSchema(object, where)).toEqual([]);
    },
  );

  it.each(objects.map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))(
    '%s has only fields Kubernetes knows',
    (where, object) => {
      expect(checkUnknownFields(object, where)).toEqual([]);
    },
  );

  it('keeps the policy', () => {
    expect(checkPolicy(objects)).toEqual([]);
  });
});

describe('strict unknown-field check', () => {
  const objects = synthObjects({ sessionAffinity: 'ClientIP' });
  const service = findObject(objects, 'Service', 'web');

  it('fails a misspelled sessionAffinity that kubernetes-models lets through', () => {
    const broken = clone(service);
    Object.assign(broken.spec!, { sessionAfinity: broken.spec!.sessionAffinity });
    delete broken.spec!.sessionAffinity;
    expect(checkKubeSchema(broken, 'Service web')).toEqual([]);
    expect(checkUnknownFields(broken, 'Service web')).toEqual([
      'Service web: spec.sessionAfinity: unknown field "sessionAfinity" (not in ServiceSpec)',
    ]);
  });

  it('uses the JSON spelling: clientIP passes, the TypeScript spelling clientIp fails', () => {
    expect(service.spec!.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    const broken = clone(service);
    Object.assign(broken.spec!, { sessionAffinityConfig: { clientIp: { timeoutSeconds: 10800 } } });
    expect(checkUnknownFields(broken, 'Service web')).toHaveLength(1);
  });

  it('finds typos at any depth, in arrays and in maps of structs', () => {
    const web = clone(findObject(objects, 'Deployment', 'web'));
    Object.assign(onlyContainer(web).readinessProbe!.httpGet!, { paht: '/ready' });
    Object.assign(web.spec!.template.spec!.volumes![0]!.emptyDir!, { sizelimit: '1Mi' });
    Object.assign(web, { metdata: {} });
    const problems = checkUnknownFields(web, 'Deployment web');
    expect(problems).toEqual([
      'Deployment web: spec.template.spec.containers[0].readinessProbe.httpGet.paht: unknown field "paht" (not in HttpGetAction)',
      'Deployment web: spec.template.spec.volumes[0].emptyDir.sizelimit: unknown field "sizelimit" (not in EmptyDirVolumeSource)',
      'Deployment web: metdata: unknown field "metdata" (not in KubeDeploymentProps)',
    ]);
  });

  it('reports a struct where a scalar belongs', () => {
    const broken = clone(service);
    Object.assign(broken.spec!.ports![0]!, { targetPort: { number: 8080 } });
    expect(checkUnknownFields(broken, 'Service web')).toEqual([
      'Service web: spec.ports[0].targetPort: expected a scalar, got object',
    ]);
  });

  it('refuses kinds it has no type for', () => {
    expect(checkUnknownFields({ apiVersion: 'example.com/v1', kind: 'Widget' }, 'Widget w')).toHaveLength(1);
  });
});

describe('kubernetes-models check', () => {
  const objects = synthObjects();

  it('fails a wrong type, a bad enum value and a missing required field', () => {
    const worker = clone(findObject(objects, 'Deployment', 'rq-worker'));
    Object.assign(worker.spec!, { replicas: '1' });
    Object.assign(onlyContainer(worker), { imagePullPolicy: 'Sometimes' });
    Reflect.deleteProperty(onlyContainer(worker), 'name');
    const [problem] = checkKubeSchema(worker, 'Deployment rq-worker');
    expect(problem).toMatch(/replicas must be integer/);
    expect(problem).toMatch(/imagePullPolicy must be equal to one of the allowed values/);
    expect(problem).toMatch(/containers\/0 must have required property name/);
  });

  it('refuses kinds it has no model registered for', () => {
    expect(
      checkKubeSchema({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 'ConfigMap x'),
    ).toHaveLength(1);
  });
});

describe('policy check', () => {
  const objects = synthObjects();
  const broken = (mutate: (objects: KubeObject[]) => void): string[] => {
    const copy = clone(objects);
    mutate(copy);
    return checkPolicy(copy);
  };
  const web = (objects: KubeObject[]): KubeModel<'Deployment'> => findObject(objects, 'Deployment', 'web');
  const redis = (objects: KubeObject[]): KubeModel<'StatefulSet'> => findObject(objects, 'StatefulSet', 'redis');

  it.each<[string, (objects: KubeObject[]) => void, string]>([
    [
      'a missing memory limit',
      (o) => delete onlyContainer(web(o)).resources!.limits!.memory,
      'resources.limits.memory must be set',
    ],
    [
      'a missing CPU request',
      (o) => delete onlyContainer(redis(o)).resources!.requests!.cpu,
      'resources.requests.cpu must be set',
    ],
    [
      'root',
      (o) => {
        onlyContainer(web(o)).securityContext!.runAsUser = 0;
      },
      'runAsUser must be a numeric non-root uid',
    ],
    [
      'no numeric user anywhere',
      (o) => {
        delete onlyContainer(redis(o)).securityContext!.runAsUser;
        delete redis(o).spec!.template.spec!.securityContext!.runAsUser;
      },
      'runAsUser must be a numeric non-root uid',
    ],
    [
      'a writable root filesystem',
      (o) => {
        onlyContainer(web(o)).securityContext!.readOnlyRootFilesystem = false;
      },
      'readOnlyRootFilesystem must be true',
    ],
    [
      'privilege escalation',
      (o) => delete onlyContainer(web(o)).securityContext!.allowPrivilegeEscalation,
      'allowPrivilegeEscalation must be false',
    ],
    [
      'kept capabilities',
      (o) => {
        onlyContainer(web(o)).securityContext!.capabilities = { drop: ['NET_RAW'] };
      },
      'capabilities.drop must include ALL',
    ],
    [
      'an unconfined seccomp profile',
      (o) => {
        onlyContainer(web(o)).securityContext!.seccompProfile = { type: 'Unconfined' };
      },
      'seccompProfile.type must be RuntimeDefault',
    ],
    [
      'a mounted service-account token',
      (o) => delete web(o).spec!.template.spec!.automountServiceAccountToken,
      'automountServiceAccountToken must be false',
    ],
    ['implicit replicas', (o) => delete web(o).spec!.replicas, 'spec.replicas must be written explicitly'],
    [
      'a hashed name',
      (o) => {
        findObject(o, 'Service', 'redis').metadata.name = 'redis-c8a1b2c3';
      },
      'must be stable (no hash suffix)',
    ],
    [
      'a cdk8s address label',
      (o) => {
        web(o).spec!.template.metadata!.labels!['cdk8s.io/metadata.addr'] = 'web-c8a1b2c3';
      },
      'must not use the hashed cdk8s.io/metadata.addr label',
    ],
    [
      'a selector without app',
      (o) => {
        web(o).spec!.selector.matchLabels = { name: 'web' };
      },
      'spec.selector.matchLabels.app must be "web"',
    ],
    [
      'an object outside the Namespace',
      (o) => {
        findObject(o, 'NetworkPolicy', 'redis').metadata.namespace = 'default';
      },
      'metadata.namespace must be "personalizedline"',
    ],
  ])('fails %s', (_name, mutate, rule) => {
    const problems = broken(mutate);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(rule);
  });

  describe('with autoscaling', () => {
    const scaled = synthObjects({ webMaxReplicas: 4 });
    const brokenScaled = (mutate: (objects: KubeObject[]) => void): string[] => {
      const copy = clone(scaled);
      mutate(copy);
      return checkPolicy(copy);
    };

    it('lets the autoscaler own the replicas of the Deployment it targets', () => {
      expect(web(scaled).spec!.replicas).toBeUndefined();
      expect(checkPolicy(scaled)).toEqual([]);
    });

    it.each<[string, (objects: KubeObject[]) => void, string]>([
      [
        'replicas written beside the autoscaler',
        (o) => {
          web(o).spec!.replicas = 1;
        },
        'Deployment web: must not write spec.replicas while HorizontalPodAutoscaler web owns them',
      ],
      [
        'an autoscaler of a Deployment that is not there',
        (o) => {
          findObject(o, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.name = 'webb';
        },
        'HorizontalPodAutoscaler web: spec.scaleTargetRef must name a Deployment of the output',
      ],
      [
        'implicit replicas on another Deployment',
        (o) => delete findObject(o, 'Deployment', 'rq-worker').spec!.replicas,
        'Deployment rq-worker: spec.replicas must be written explicitly',
      ],
    ])('fails %s', (_name, mutate, rule) => {
      const problems = brokenScaled(mutate);
      expect(
        problems.some((p) => p.includes(rule)),
        problems.join('\n'),
      ).toBe(true);
    });
  });
});

describe('all checks together', () => {
  it('pass the default synthesis and name the object of each failure', () => {
    const objects = synthObjects();
    expect(validateManifestObjects(objects)).toEqual([]);
    const copy = clone(objects);
    Object.assign(findObject(copy, 'Service', 'web').spec!, { sessionAfinity: 'ClientIP' });
    expect(validateManifestObjects(copy)).toEqual([
      'Service web: spec.sessionAfinity: unknown field "sessionAfinity" (not in ServiceSpec)',
    ]);
  });
});
