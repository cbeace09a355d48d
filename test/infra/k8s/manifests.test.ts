/**
 * The default synthesis, read as the contract's Kubernetes section and docs/kubernetes.md describe it.
 */
import { describe, expect, it } from 'vitest';
import { containerBudgets } from '../../../infra/k8s/resources.js';
import { envByName, findObject, onlyContainer, synthObjects } from './support/manifests.js';

const objects = synthObjects();
const web = findObject(objects, 'Deployment', 'web');
const worker = findObject(objects, 'Deployment', 'rq-worker');
const redis = findObject(objects, 'StatefulSet', 'redis');
const webService = findObject(objects, 'Service', 'web');
const redisService = findObject(objects, 'Service', 'redis');

describe('default manifests: contract', () => {
  it('contain the Namespace personalizedline and put every namespaced object in it', () => {
    expect(findObject(objects, 'Namespace', 'personalizedline').metadata.namespace).toBeUndefined();
    expect(findObject(objects, 'StorageClass', 'personalizedline-redis-retain').metadata.namespace).toBeUndefined();
    for (const object of objects.filter((o) => o.kind !== 'Namespace' && o.kind !== 'StorageClass')) {
      expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe('personalizedline');
    }
  });

  it('list exactly the expected objects, Namespace first', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/personalizedline',
      'StorageClass/personalizedline-redis-retain',
      'Service/redis',
      'StatefulSet/redis',
      'NetworkPolicy/redis',
      'Deployment/rq-worker',
      'Deployment/web',
      'Service/web',
      'PodMonitoring/web',
      'PodMonitoring/rq-worker',
      'NetworkPolicy/rq-worker',
    ]);
  });

  it.each([
    [web, 'web'],
    [worker, 'rq-worker'],
    [redis, 'redis'],
  ] as const)('label workload %# app=%s everywhere', (workload, app) => {
    expect(workload.metadata.labels!.app).toBe(app);
    expect(workload.spec!.selector.matchLabels).toEqual({ app });
    expect(workload.spec!.template.metadata!.labels!.app).toBe(app);
  });

  it('write spec.replicas: 1 for every workload', () => {
    for (const workload of [web, worker, redis]) expect(workload.spec!.replicas).toBe(1);
  });

  it('expose web as a LoadBalancer on port 80 to the container port 8080', () => {
    expect(webService.spec!.type).toBe('LoadBalancer');
    expect(webService.spec!.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }]);
    expect(webService.spec!.selector).toEqual({ app: 'web' });
    expect(onlyContainer(web).ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  it('expose redis on 6379 inside the cluster', () => {
    expect(redisService.spec!.type).toBe('ClusterIP');
    expect(redisService.spec!.ports).toEqual([{ name: 'redis', protocol: 'TCP', port: 6379, targetPort: 6379 }]);
    expect(redisService.spec!.selector).toEqual({ app: 'redis' });
  });

  it('turn WebSocket on and session affinity off by default', () => {
    expect(envByName(onlyContainer(web)).get('ENABLE_WEBSOCKET')).toEqual({ name: 'ENABLE_WEBSOCKET', value: 'true' });
    expect(webService.spec!.sessionAffinity).toBe('None');
    expect(webService.spec!.sessionAffinityConfig).toBeUndefined();
  });

  it('give no Service to the worker', () => {
    expect(
      objects
        .filter((o) => o.kind === 'Service')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['redis', 'web']);
  });
});

describe('default manifests: web', () => {
  const container = onlyContainer(web);

  it('runs the compiled server from /app', () => {
    expect(container.workingDir).toBe('/app');
    expect(container.command).toEqual(['node', 'build/app/server/main.js']);
    expect(container.args).toBeUndefined();
  });

  it('takes REDIS_URL and JWT_SECRET from the Secret personalizedline-secrets', () => {
    const env = envByName(container);
    for (const name of ['REDIS_URL', 'JWT_SECRET']) {
      expect(env.get(name)?.valueFrom).toEqual({
        secretKeyRef: { name: 'personalizedline-secrets', key: name, optional: false },
      });
    }
    expect(env.get('PORT')?.value).toBe('8080');
    expect(env.get('SHUTDOWN_TIMEOUT_MS')?.value).toBe('10000');
  });

  it('probes /health for startup and liveness and /ready for readiness', () => {
    expect(container.startupProbe!.httpGet).toEqual({ path: '/health', port: 'http', scheme: 'HTTP' });
    expect(container.livenessProbe!.httpGet).toEqual({ path: '/health', port: 'http', scheme: 'HTTP' });
    expect(container.readinessProbe!.httpGet).toEqual({ path: '/ready', port: 'http', scheme: 'HTTP' });
  });

  it('pauses before SIGTERM and leaves time for the 10 s WebSocket drain', () => {
    const command = container.lifecycle!.preStop!.exec!.command!;
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    const pauseMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(command[2]!)?.[1]);
    expect(pauseMs).toBeGreaterThan(0);
    // preStop time counts against the grace period; the contract gives the server 15 s after SIGTERM.
    expect(web.spec!.template.spec!.terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(pauseMs + 15_000);
  });

  it('rolls out without ever dropping to zero ready pods', () => {
    expect(web.spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });
});

describe('default manifests: rq-worker', () => {
  const container = onlyContainer(worker);

  it('runs the compiled worker from /app with the same Secret', () => {
    expect(container.workingDir).toBe('/app');
    expect(container.command).toEqual(['node', 'build/app/worker/main.js']);
    const env = envByName(container);
    expect(env.get('REDIS_URL')?.valueFrom!.secretKeyRef).toMatchObject({
      name: 'personalizedline-secrets',
      key: 'REDIS_URL',
    });
    expect(env.get('JWT_SECRET')?.valueFrom!.secretKeyRef).toMatchObject({
      name: 'personalizedline-secrets',
      key: 'JWT_SECRET',
    });
    expect(env.get('JOB_TIMEOUT_MS')?.value).toBe('900000');
    expect(env.get('ROW_DELAY_MS')?.value).toBe('0');
  });

  it('stops by itself well within its grace period and serves nothing but its metrics', () => {
    const drainMs = Number(envByName(container).get('SHUTDOWN_TIMEOUT_MS')?.value);
    expect(drainMs).toBeGreaterThan(0);
    expect(worker.spec!.template.spec!.terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(drainMs + 10_000);
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
  });
});

describe('default manifests: redis', () => {
  const container = onlyContainer(redis);
  const args = container.args as string[];
  const arg = (flag: string): string | undefined => args[args.indexOf(flag) + 1];

  it('persists to a claimed volume with the append-only file', () => {
    expect(redis.spec!.volumeClaimTemplates).toHaveLength(1);
    const claim = redis.spec!.volumeClaimTemplates![0]!;
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      storageClassName: 'personalizedline-redis-retain',
    });
    expect(container.volumeMounts).toEqual([{ name: claim.metadata!.name, mountPath: '/data' }]);
    expect(arg('--dir')).toBe('/data');
    expect(arg('--appendonly')).toBe('yes');
    expect(arg('--maxmemory-policy')).toBe('noeviction');
    expect(redis.spec!.serviceName).toBe('redis');
  });

  it('requires the password from the Secret without writing it into the manifest', () => {
    expect(arg('--requirepass')).toBe('$(REDIS_PASSWORD)');
    expect(envByName(container).get('REDIS_PASSWORD')?.valueFrom!.secretKeyRef).toEqual({
      name: 'personalizedline-secrets',
      key: 'REDIS_PASSWORD',
      optional: false,
    });
  });

  it('admits only web and rq-worker pods, on 6379', () => {
    const policy = findObject(objects, 'NetworkPolicy', 'redis');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { app: 'redis' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: 'web' } } },
            { podSelector: { matchLabels: { app: 'rq-worker' } } },
          ],
          ports: [{ protocol: 'TCP', port: 6379 }],
        },
      ],
    });
  });

  it('makes its disk writable for the redis user', () => {
    expect(redis.spec!.template.spec!.securityContext).toMatchObject({ runAsUser: 999, fsGroup: 999 });
  });
});

describe('default manifests: size and safety', () => {
  const workloads = [web, worker, redis];

  it('fit a small node: all requests, a rollout surge included, under 0.5 CPU and 512 Mi', () => {
    const milli = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const mebi = (q: string): number => (q.endsWith('Mi') ? Number(q.slice(0, -2)) : Number(q.slice(0, -2)) * 1024);
    const requests = workloads.map((w) => onlyContainer(w).resources!.requests as { cpu: string; memory: string });
    const surge = onlyContainer(web).resources!.requests as { cpu: string; memory: string };
    const cpu = [...requests, surge].reduce((sum, r) => sum + milli(r.cpu), 0);
    const memory = [...requests, surge].reduce((sum, r) => sum + mebi(r.memory), 0);
    expect(cpu).toBeLessThanOrEqual(500);
    expect(memory).toBeLessThanOrEqual(512);
  });

  it('write the documented budget into each container', () => {
    const expected = { web: containerBudgets.web, 'rq-worker': containerBudgets.worker, redis: containerBudgets.redis };
    for (const workload of workloads) {
      const budget = expected[workload.metadata.name as keyof typeof expected];
      expect(onlyContainer(workload).resources).toEqual({
        requests: { cpu: budget.cpuRequest, memory: budget.memoryRequest },
        limits: { cpu: budget.cpuLimit, memory: budget.memoryLimit },
      });
    }
  });

  it('give the read-only app containers a small writable /tmp', () => {
    for (const workload of [web, worker]) {
      expect(workload.spec!.template.spec!.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
      expect(onlyContainer(workload).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    }
  });

  it('have the Namespace enforce the restricted Pod Security Standard', () => {
    expect(
      findObject(objects, 'Namespace', 'personalizedline').metadata.labels!['pod-security.kubernetes.io/enforce'],
    ).toBe('restricted');
  });

  it('keep service links out of the environment', () => {
    for (const workload of workloads) expect(workload.spec!.template.spec!.enableServiceLinks).toBe(false);
  });
});
