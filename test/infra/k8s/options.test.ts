import { describe, expect, it } from 'vitest';
import {
  defaultManifestOptions,
  ManifestOptionsError,
  manifestEnvVars,
  manifestOptionsFromEnv,
  resolveManifestOptions,
} from '../../../infra/k8s/options.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestOptionsError);
    return [...(error as ManifestOptionsError).problems];
  }
  throw new Error('expected a ManifestOptionsError');
}

describe('manifest options from the environment', () => {
  it('keeps every default when no override is set', () => {
    expect(manifestOptionsFromEnv({})).toEqual(defaultManifestOptions);
  });

  it('treats empty and blank variables as unset', () => {
    expect(manifestOptionsFromEnv({ IMAGE: '', NAMESPACE: '  ', WEB_REPLICAS: '' })).toEqual(defaultManifestOptions);
  });

  it('ignores variables it does not own', () => {
    expect(manifestOptionsFromEnv({ PORT: '1', REDIS_URL: 'x', HOME: '/root' })).toEqual(defaultManifestOptions);
  });

  it('reads every documented override', () => {
    const options = manifestOptionsFromEnv({
      NAMESPACE: 'staging',
      IMAGE: `europe-docker.pkg.dev/p/r/personalizedline@sha256:${'a'.repeat(64)}`,
      ENABLE_WEBSOCKET: 'false',
      SESSION_AFFINITY: 'ClientIP',
      SESSION_AFFINITY_TIMEOUT_SECONDS: '600',
      WEB_REPLICAS: '2',
      WORKER_REPLICAS: '3',
      WEB_MAX_REPLICAS: '4',
      WORKER_MAX_REPLICAS: '5',
      REDIS: 'external',
      SECRET_NAME: 'other-secrets',
      REDIS_IMAGE: 'redis:7.2.5-alpine',
      REDIS_STORAGE: '5Gi',
      REDIS_STORAGE_CLASS: 'premium-rwo',
      LOG_LEVEL: 'debug',
      EDGE: 'ingress',
      DOMAIN: 'api.example.com',
      STATIC_IP_NAME: 'staging-web',
      ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:3000',
      MONITORING: 'none',
      MAX_UPLOAD_BYTES: '5242880',
      UPLOAD_CONCURRENCY: '4',
      WORKER_CONCURRENCY: '3',
      JOB_RETENTION_SECONDS: '86400',
      WEB_MEMORY_LIMIT: '384Mi',
      WORKER_MEMORY_LIMIT: '512Mi',
      REDIS_MEMORY_LIMIT: '1Gi',
      REDIS_MAXMEMORY: '512Mi',
    });
    expect(options).toEqual({
      namespace: 'staging',
      image: `europe-docker.pkg.dev/p/r/personalizedline@sha256:${'a'.repeat(64)}`,
      enableWebsocket: false,
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 600,
      webReplicas: 2,
      workerReplicas: 3,
      webMaxReplicas: 4,
      workerMaxReplicas: 5,
      redis: 'external',
      secretName: 'other-secrets',
      redisImage: 'redis:7.2.5-alpine',
      redisStorage: '5Gi',
      redisStorageClass: 'premium-rwo',
      logLevel: 'debug',
      edge: 'ingress',
      domain: 'api.example.com',
      staticIpName: 'staging-web',
      allowedOrigins: ['https://app.example.com', 'http://localhost:3000'],
      monitoring: 'none',
      maxUploadBytes: 5_242_880,
      uploadConcurrency: 4,
      workerConcurrency: 3,
      jobRetentionSeconds: 86_400,
      webMemoryLimit: '384Mi',
      workerMemoryLimit: '512Mi',
      redisMemoryLimit: '1Gi',
      redisMaxMemory: '512Mi',
    });
  });

  it('needs DOMAIN with EDGE=ingress, and checks EDGE, DOMAIN and STATIC_IP_NAME', () => {
    expect(problemsOf(() => manifestOptionsFromEnv({ EDGE: 'ingress' }))).toEqual([
      'DOMAIN: is required with EDGE=ingress: the public host name, e.g. api.example.com (got nothing)',
    ]);
    const problems = problemsOf(() =>
      manifestOptionsFromEnv({
        EDGE: 'gateway',
        DOMAIN: 'https://api.example.com',
        STATIC_IP_NAME: '1-ip',
        ALLOWED_ORIGINS: 'https://app.example.com/',
      }),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ALLOWED_ORIGINS',
      'DOMAIN',
      'EDGE',
      'STATIC_IP_NAME',
    ]);
    expect(problemsOf(() => manifestOptionsFromEnv({ EDGE: 'ingress', DOMAIN: '*.example.com' }))[0]).toMatch(
      /^DOMAIN: .*without scheme, port or wildcard/,
    );
    expect(manifestOptionsFromEnv({ EDGE: 'loadbalancer' })).toEqual(defaultManifestOptions);
  });

  it('maps every variable to an option that exists', () => {
    for (const key of Object.values(manifestEnvVars)) expect(Object.keys(defaultManifestOptions)).toContain(key);
  });

  it('names every bad variable in one error', () => {
    const problems = problemsOf(() =>
      manifestOptionsFromEnv({
        NAMESPACE: 'Bad_Namespace',
        IMAGE: 'has spaces:1',
        ENABLE_WEBSOCKET: 'yes',
        SESSION_AFFINITY: 'clientip',
        SESSION_AFFINITY_TIMEOUT_SECONDS: '0',
        WEB_REPLICAS: 'two',
        WORKER_REPLICAS: '11',
        SECRET_NAME: 'UPPER',
        REDIS_IMAGE: '',
        REDIS_STORAGE: 'lots',
        LOG_LEVEL: 'verbose',
        MONITORING: 'prometheus',
      }),
    );
    const named = problems.map((p) => p.split(':')[0]);
    expect(named.sort()).toEqual([
      'ENABLE_WEBSOCKET',
      'IMAGE',
      'LOG_LEVEL',
      'MONITORING',
      'NAMESPACE',
      'REDIS_STORAGE',
      'SECRET_NAME',
      'SESSION_AFFINITY',
      'SESSION_AFFINITY_TIMEOUT_SECONDS',
      'WEB_REPLICAS',
      'WORKER_REPLICAS',
    ]);
    expect(problems.find((p) => p.startsWith('ENABLE_WEBSOCKET'))).toContain('"yes"');
  });

  it('refuses sizes that do not add up, naming the numbers and what to change', () => {
    const problems = problemsOf(() => manifestOptionsFromEnv({ WORKER_CONCURRENCY: '12', REDIS_MAXMEMORY: '200Mi' }));
    expect(problems).toEqual([
      expect.stringMatching(
        /^sizing: rq-worker: 82 MiB idle \+ 12 max-size jobs × 15 MiB = 262 MiB ≤ 75 % of the 256Mi limit \(192 MiB\) does not hold; lower WORKER_CONCURRENCY/,
      ),
      expect.stringMatching(
        /^sizing: redis fork: maxmemory 200 MiB ≤ 50 % of the 256Mi limit \(128 MiB\) does not hold; lower REDIS_MAXMEMORY or raise REDIS_MEMORY_LIMIT$/,
      ),
      expect.stringMatching(/^sizing: redis room: .* in flight 12 jobs × 21 MiB .* does not hold/),
    ]);
  });

  it('accepts sizes that add up once the limits are raised with them', () => {
    const options = manifestOptionsFromEnv({
      WORKER_CONCURRENCY: '12',
      WORKER_MEMORY_LIMIT: '512Mi',
      REDIS_MAXMEMORY: '512Mi',
      REDIS_MEMORY_LIMIT: '1Gi',
    });
    expect(options).toMatchObject({ workerConcurrency: 12, workerMemoryLimit: '512Mi', redisMaxMemory: '512Mi' });
  });

  it('takes memory sizes only in whole Mi or Gi', () => {
    expect(problemsOf(() => manifestOptionsFromEnv({ WEB_MEMORY_LIMIT: '256M' }))[0]).toMatch(
      /^WEB_MEMORY_LIMIT: must be a memory size in whole Mi or Gi/,
    );
    expect(manifestOptionsFromEnv({ WEB_MEMORY_LIMIT: '1Gi' }).webMemoryLimit).toBe('1Gi');
  });

  it('accepts only the two spellings Kubernetes uses for affinity', () => {
    expect(manifestOptionsFromEnv({ SESSION_AFFINITY: 'None' }).sessionAffinity).toBe('None');
    expect(problemsOf(() => manifestOptionsFromEnv({ SESSION_AFFINITY: 'none' }))[0]).toMatch(/^SESSION_AFFINITY:/);
  });

  it('turns autoscaling on above a max of 1, with the replica setting as its minimum', () => {
    expect(manifestOptionsFromEnv({ WEB_MAX_REPLICAS: '4', WORKER_MAX_REPLICAS: '3' })).toMatchObject({
      webMaxReplicas: 4,
      workerMaxReplicas: 3,
      webReplicas: 1,
    });
    expect(problemsOf(() => manifestOptionsFromEnv({ WEB_REPLICAS: '3', WEB_MAX_REPLICAS: '2' }))).toEqual([
      'WEB_MAX_REPLICAS: must be at least WEB_REPLICAS (3), or 1 to turn autoscaling off (got 2)',
    ]);
    expect(problemsOf(() => manifestOptionsFromEnv({ WORKER_REPLICAS: '0', WORKER_MAX_REPLICAS: '3' }))).toEqual([
      "WORKER_REPLICAS: must be at least 1 when WORKER_MAX_REPLICAS is above 1 (the autoscaler's minimum) (got 0)",
    ]);
    const problems = problemsOf(() =>
      manifestOptionsFromEnv({ WEB_MAX_REPLICAS: '0', WORKER_MAX_REPLICAS: '11', REDIS: 'memorystore' }),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['REDIS', 'WEB_MAX_REPLICAS', 'WORKER_MAX_REPLICAS']);
    // A fixed count above 1 without autoscaling stays what it was.
    expect(manifestOptionsFromEnv({ WEB_REPLICAS: '3' })).toMatchObject({ webReplicas: 3, webMaxReplicas: 1 });
  });

  it('accepts zero replicas (a paused workload) and rejects a fraction', () => {
    expect(manifestOptionsFromEnv({ WORKER_REPLICAS: '0' }).workerReplicas).toBe(0);
    expect(problemsOf(() => manifestOptionsFromEnv({ WEB_REPLICAS: '1.5' }))[0]).toMatch(/^WEB_REPLICAS:/);
  });
});

describe('manifest options from code', () => {
  it('fills in optional fields from the defaults', () => {
    const resolved = resolveManifestOptions({
      namespace: 'a',
      image: 'b:1',
      enableWebsocket: false,
      sessionAffinity: 'None',
    });
    expect(resolved).toEqual({ ...defaultManifestOptions, namespace: 'a', image: 'b:1', enableWebsocket: false });
  });

  it('names bad options by their property names', () => {
    const problems = problemsOf(() =>
      resolveManifestOptions({
        ...defaultManifestOptions,
        webReplicas: -1,
        sessionAffinity: 'Sticky' as 'None',
        sessionAffinityTimeoutSeconds: 86_401,
      }),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'sessionAffinity',
      'sessionAffinityTimeoutSeconds',
      'webReplicas',
    ]);
  });
});
