/**
 * The options of the synthesized manifests: one typed object that both entries use — `npm run synth`
 * (through {@link manifestOptionsFromEnv}) and the Pulumi program (which passes its stack config and
 * the pushed image's digest directly). Charts never read `process.env`; only this module's
 * {@link manifestOptionsFromEnv} turns an environment into options, and it is pure (the env is passed in).
 */

import { CONFIG_DEFAULTS, LOG_LEVELS, type LogLevel } from '../../app/config.js';
import { defaultSizing, sizingProblems, type SizingInputs } from './sizing.js';

/** Session affinity of the `web` Service, as Kubernetes spells it. */
export type SessionAffinity = 'None' | 'ClientIP';

/**
 * How the web server is exposed: `loadbalancer`, Service `web` as an L4 LoadBalancer (plain HTTP on
 * port 80); or `ingress`, GKE's HTTP(S) load balancer for {@link ManifestOptions.domain} with a
 * Google-managed certificate (HTTPS and WSS), see edge-chart.ts.
 */
export type Edge = 'loadbalancer' | 'ingress';

/**
 * Who scrapes the metrics: `gmp`, Google Cloud Managed Service for Prometheus' managed collection
 * (on by default on current GKE) through PodMonitoring objects (monitoring-chart.ts); `none` writes
 * no monitoring objects (a cluster without the PodMonitoring CRD, or another Prometheus).
 */
export type Monitoring = 'gmp' | 'none';

/**
 * Where Redis runs: `in-cluster`, the `redis` StatefulSet, Service and NetworkPolicy of the output; or
 * `external` (Memorystore), reached over TLS with `REDIS_URL` and `REDIS_TLS_CA` from the Secret.
 */
export type RedisPlacement = 'in-cluster' | 'external';

/** `sessionAffinityTimeoutSeconds`' default: Kubernetes' own default for ClientIP affinity (3 h). */
export const defaultSessionAffinityTimeoutSeconds = 10_800;

/** Everything that varies between synthesized outputs. */
export interface ManifestOptions {
  /**
   * Namespace created by the output and set on every namespaced object.
   * @default 'personalizedline'
   */
  namespace: string;
  /**
   * Image of the `web` and `rq-worker` containers (Redis keeps {@link redisImage}). The Pulumi program
   * passes `repo@sha256:…` so a rollout is pinned to what it pushed.
   * @default 'personalizedline:latest'
   */
  image: string;
  /**
   * `ENABLE_WEBSOCKET` of the web container; `false` makes clients poll.
   * @default true
   */
  enableWebsocket: boolean;
  /**
   * Session affinity of the `web` Service. Not needed for correctness (see docs/kubernetes.md).
   * @default 'None'
   */
  sessionAffinity: SessionAffinity;
  /**
   * `sessionAffinityConfig.clientIP.timeoutSeconds` when {@link sessionAffinity} is `ClientIP`
   * (1..86400, the API server's bounds). Ignored when affinity is `None`.
   * @default 10800
   */
  sessionAffinityTimeoutSeconds?: number;
  /**
   * Replicas of Deployment `web`. One by default: the original cluster ran out of GCP quota at two.
   * @default 1
   */
  webReplicas?: number;
  /**
   * Replicas of Deployment `rq-worker`.
   * @default 1
   */
  workerReplicas?: number;
  /**
   * Most replicas of Deployment `web`. Above 1 a HorizontalPodAutoscaler scales it between
   * {@link webReplicas} and this on CPU, with a PodDisruptionBudget, and the Deployment has no
   * `spec.replicas`. 1 keeps the fixed {@link webReplicas} (the original cluster's quota).
   * @default 1
   */
  webMaxReplicas?: number;
  /**
   * Most replicas of Deployment `rq-worker`, as {@link webMaxReplicas}.
   * @default 1
   */
  workerMaxReplicas?: number;
  /**
   * Where Redis runs (see {@link RedisPlacement}). `external` writes no Redis workload, Service or
   * NetworkPolicy, and mounts the Secret's `REDIS_TLS_CA` into the app pods.
   * @default 'in-cluster'
   */
  redis?: RedisPlacement;
  /**
   * Name of the Secret holding `JWT_SECRET`, `REDIS_PASSWORD` and `REDIS_URL`
   * (`redis://:<password>@redis:6379`). The Pulumi program creates it; the manifests only reference it.
   * @default 'personalizedline-secrets'
   */
  secretName?: string;
  /**
   * Image of the `redis` StatefulSet. Must provide `redis-server`, `redis-cli` and `sh`, and run as
   * uid 999 (the official image's `redis` user). Pinned by digest so a node pulls exactly the bytes
   * that were reviewed; see {@link defaultRedisImage} for the release and why.
   * @default defaultRedisImage
   */
  redisImage?: string;
  /**
   * Size of Redis's PersistentVolumeClaim (the append-only file lives there).
   * @default '1Gi'
   */
  redisStorage?: string;
  /**
   * StorageClass of that claim. Unset: the manifests create their own class with
   * `reclaimPolicy: Retain` ({@link retainStorageClassName}) and use it, so deleting the claim (or
   * the whole Namespace) keeps the disk; GKE's default `standard-rwo` would delete it.
   * @default undefined (the manifests' own Retain class)
   */
  redisStorageClass?: string;
  /**
   * `LOG_LEVEL` of the web and worker containers.
   * @default 'info'
   */
  logLevel?: LogLevel;
  /**
   * How the web server is exposed (see {@link Edge}).
   * @default 'loadbalancer'
   */
  edge?: Edge;
  /**
   * The public host name of the API (e.g. `api.example.com`); required with `edge: 'ingress'`, where
   * it is the Ingress host and the managed certificate's domain. Ignored otherwise.
   * @default undefined
   */
  domain?: string;
  /**
   * Name of the reserved global static IP the Ingress uses (`gcloud compute addresses create NAME
   * --global`, or the Pulumi program's GlobalAddress). Used with `edge: 'ingress'`.
   * @default 'web'
   */
  staticIpName?: string;
  /**
   * `ALLOWED_ORIGINS` of the web container: browser origins of frontends on other origins (CORS and
   * WebSocket). Empty writes no variable: same origin only.
   * @default []
   */
  allowedOrigins?: readonly string[];
  /**
   * How the metrics are scraped (see {@link Monitoring}).
   * @default 'gmp'
   */
  monitoring?: Monitoring;
  /**
   * `MAX_UPLOAD_BYTES` of the web container: the largest upload, and the max-size file the sizing
   * arithmetic (infra/k8s/sizing.ts) is done for.
   * @default 10485760
   */
  maxUploadBytes?: number;
  /**
   * `UPLOAD_CONCURRENCY` of the web container: uploads one web pod receives at once.
   * @default 8
   */
  uploadConcurrency?: number;
  /**
   * `WORKER_CONCURRENCY` of the rq-worker container: jobs one worker pod runs at once.
   * @default 2
   */
  workerConcurrency?: number;
  /**
   * `JOB_RETENTION_SECONDS` of both app containers: how long a finished job is kept.
   * @default 604800
   */
  jobRetentionSeconds?: number;
  /**
   * Memory limit of the web container (`Mi` or `Gi`).
   * @default '256Mi'
   */
  webMemoryLimit?: string;
  /**
   * Memory limit of the rq-worker container (`Mi` or `Gi`).
   * @default '256Mi'
   */
  workerMemoryLimit?: string;
  /**
   * Memory limit of the redis container (`Mi` or `Gi`).
   * @default '256Mi'
   */
  redisMemoryLimit?: string;
  /**
   * Redis's `maxmemory` (`Mi` or `Gi`; written as `--maxmemory <n>mb`).
   * @default '128Mi'
   */
  redisMaxMemory?: string;
}

/**
 * Redis 8.10.1, the newest security release of the 8.x line (2026-08-17): it and every 8.2.2+/7.4.6+
 * release carry the fixes for CVE-2025-49844 (Lua use-after-free, remote code execution) and
 * CVE-2025-21605 (unauthenticated output-buffer growth, fixed in 7.4.3). The digest is the
 * multi-architecture index of `redis:8.10.1-alpine` on Docker Hub; the tag stays beside it for readers.
 */
export const defaultRedisImage =
  'redis:8.10.1-alpine@sha256:becdda6c7f4b3fb42e42fd7f120bbf5c54c4caaaf16f26da24e4563d2c1f0576';

/** The StorageClass the manifests create for Redis when {@link ManifestOptions.redisStorageClass} is unset. */
export function retainStorageClassName(namespace: string): string {
  // Cluster-scoped, so named after the namespace: two stacks on one cluster each get their own.
  return `${namespace}-redis-retain`;
}

/** The options with every optional field filled in, as the charts consume them. */
export type ResolvedManifestOptions = Required<Omit<ManifestOptions, 'redisStorageClass' | 'domain'>> &
  Pick<ManifestOptions, 'redisStorageClass' | 'domain'>;

/** The defaults: what `npm run synth` writes with an empty environment. */
export const defaultManifestOptions: Readonly<ResolvedManifestOptions> = Object.freeze({
  namespace: 'personalizedline',
  image: 'personalizedline:latest',
  enableWebsocket: CONFIG_DEFAULTS.enableWebsocket,
  sessionAffinity: 'None',
  sessionAffinityTimeoutSeconds: defaultSessionAffinityTimeoutSeconds,
  webReplicas: 1,
  workerReplicas: 1,
  webMaxReplicas: 1,
  workerMaxReplicas: 1,
  redis: 'in-cluster',
  secretName: 'personalizedline-secrets',
  redisImage: defaultRedisImage,
  redisStorage: '1Gi',
  redisStorageClass: undefined,
  logLevel: CONFIG_DEFAULTS.logLevel,
  edge: 'loadbalancer',
  domain: undefined,
  staticIpName: 'web',
  allowedOrigins: [],
  monitoring: 'gmp',
  maxUploadBytes: defaultSizing.maxUploadBytes,
  uploadConcurrency: defaultSizing.uploadConcurrency,
  workerConcurrency: defaultSizing.workerConcurrency,
  jobRetentionSeconds: CONFIG_DEFAULTS.jobRetentionSeconds,
  webMemoryLimit: `${defaultSizing.webMemoryLimitMiB}Mi`,
  workerMemoryLimit: `${defaultSizing.workerMemoryLimitMiB}Mi`,
  redisMemoryLimit: `${defaultSizing.redisMemoryLimitMiB}Mi`,
  redisMaxMemory: `${defaultSizing.redisMaxMemoryMiB}Mi`,
});

/** Thrown when options (from code or from the environment) are invalid; lists every problem at once. */
export class ManifestOptionsError extends Error {
  readonly code = 'INVALID_MANIFEST_OPTIONS';
  constructor(readonly problems: readonly string[]) {
    super(`invalid manifest options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ManifestOptionsError';
  }
}

/**
 * The environment variables `npm run synth` reads, each mapped to the option it sets.
 * docs/kubernetes.md lists the same table.
 */
export const manifestEnvVars = {
  NAMESPACE: 'namespace',
  IMAGE: 'image',
  ENABLE_WEBSOCKET: 'enableWebsocket',
  SESSION_AFFINITY: 'sessionAffinity',
  SESSION_AFFINITY_TIMEOUT_SECONDS: 'sessionAffinityTimeoutSeconds',
  WEB_REPLICAS: 'webReplicas',
  WORKER_REPLICAS: 'workerReplicas',
  WEB_MAX_REPLICAS: 'webMaxReplicas',
  WORKER_MAX_REPLICAS: 'workerMaxReplicas',
  REDIS: 'redis',
  SECRET_NAME: 'secretName',
  REDIS_IMAGE: 'redisImage',
  REDIS_STORAGE: 'redisStorage',
  REDIS_STORAGE_CLASS: 'redisStorageClass',
  LOG_LEVEL: 'logLevel',
  EDGE: 'edge',
  DOMAIN: 'domain',
  STATIC_IP_NAME: 'staticIpName',
  ALLOWED_ORIGINS: 'allowedOrigins',
  MONITORING: 'monitoring',
  MAX_UPLOAD_BYTES: 'maxUploadBytes',
  UPLOAD_CONCURRENCY: 'uploadConcurrency',
  WORKER_CONCURRENCY: 'workerConcurrency',
  JOB_RETENTION_SECONDS: 'jobRetentionSeconds',
  WEB_MEMORY_LIMIT: 'webMemoryLimit',
  WORKER_MEMORY_LIMIT: 'workerMemoryLimit',
  REDIS_MEMORY_LIMIT: 'redisMemoryLimit',
  REDIS_MAXMEMORY: 'redisMaxMemory',
} as const satisfies Record<string, keyof ManifestOptions>;

// RFC 1123 label: what Kubernetes accepts for a Namespace name (and a DNS-1123 subdomain for a Secret).
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// A loose image reference check: no spaces, no uppercase repository, optional tag and/or digest.
const imageRef = /^[a-z0-9][a-z0-9._\-/:]*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
// A host name the managed certificate can cover: lowercase labels, at least one dot, no wildcard.
const hostName = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
// A Compute Engine resource name (RFC 1035 label), as a GlobalAddress is named.
const gcpResourceName = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const quantity = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
// Memory sizes the sizing arithmetic adds up: whole MiB or GiB.
const memorySize = /^([1-9][0-9]*)(Mi|Gi)$/;

/** A memory quantity (`256Mi`, `1Gi`) in MiB, or undefined when it is not one {@link memorySize} takes. */
export function memoryMiB(quantityText: unknown): number | undefined {
  const match = typeof quantityText === 'string' ? memorySize.exec(quantityText) : null;
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

/** The sizing arithmetic's inputs from resolved options (memory quantities already checked). */
export function sizingInputsOf(o: ResolvedManifestOptions): SizingInputs {
  return {
    maxUploadBytes: o.maxUploadBytes,
    uploadConcurrency: o.uploadConcurrency,
    workerConcurrency: o.workerConcurrency,
    webMemoryLimitMiB: memoryMiB(o.webMemoryLimit) ?? 0,
    workerMemoryLimitMiB: memoryMiB(o.workerMemoryLimit) ?? 0,
    redisMemoryLimitMiB: memoryMiB(o.redisMemoryLimit) ?? 0,
    redisMaxMemoryMiB: memoryMiB(o.redisMaxMemory) ?? 0,
  };
}

/**
 * Fills in defaults and checks every field; throws one {@link ManifestOptionsError} naming every bad
 * option. The charts call this, so the Pulumi program gets the same checks as `npm run synth`.
 */
export function resolveManifestOptions(options: ManifestOptions): ResolvedManifestOptions {
  const resolved: ResolvedManifestOptions = { ...defaultManifestOptions };
  for (const [key, value] of Object.entries(options) as [keyof ManifestOptions, unknown][]) {
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  const problems = checkResolved(resolved, optionNames);
  if (problems.length > 0) throw new ManifestOptionsError(problems);
  const sizing = sizingProblems(sizingInputsOf(resolved));
  if (sizing.length > 0) throw new ManifestOptionsError(sizing);
  return resolved;
}

const optionNames = Object.fromEntries(Object.keys(defaultManifestOptions).map((k) => [k, k])) as Record<
  keyof ManifestOptions,
  string
>;

function checkResolved(o: ResolvedManifestOptions, name: Record<keyof ManifestOptions, string>): string[] {
  const problems: string[] = [];
  const bad = (key: keyof ManifestOptions, why: string, value: unknown): void => {
    problems.push(`${name[key]}: ${why} (got ${JSON.stringify(value)})`);
  };
  if (typeof o.namespace !== 'string' || o.namespace.length > 63 || !dnsLabel.test(o.namespace)) {
    bad('namespace', 'must be a DNS label: lowercase letters, digits and "-", at most 63 characters', o.namespace);
  }
  if (typeof o.image !== 'string' || !imageRef.test(o.image)) {
    bad('image', 'must be an image reference like "repo/name:tag" or "repo/name@sha256:<64 hex>"', o.image);
  }
  if (typeof o.redisImage !== 'string' || !imageRef.test(o.redisImage)) {
    bad(
      'redisImage',
      'must be an image reference like "redis:8.10.1-alpine" (better: with @sha256:<digest>)',
      o.redisImage,
    );
  }
  if (typeof o.enableWebsocket !== 'boolean') bad('enableWebsocket', 'must be true or false', o.enableWebsocket);
  if (o.sessionAffinity !== 'None' && o.sessionAffinity !== 'ClientIP') {
    bad('sessionAffinity', 'must be "None" or "ClientIP"', o.sessionAffinity);
  }
  if (!isIntIn(o.sessionAffinityTimeoutSeconds, 1, 86_400)) {
    bad('sessionAffinityTimeoutSeconds', 'must be an integer from 1 to 86400', o.sessionAffinityTimeoutSeconds);
  }
  // Upper bounds keep a typo (10 instead of 1) from asking a quota-limited cluster for ten pods.
  if (!isIntIn(o.webReplicas, 0, 10)) bad('webReplicas', 'must be an integer from 0 to 10', o.webReplicas);
  if (!isIntIn(o.workerReplicas, 0, 10)) bad('workerReplicas', 'must be an integer from 0 to 10', o.workerReplicas);
  problems.push(...checkMaxReplicas(o.webReplicas, o.webMaxReplicas, 'webReplicas', 'webMaxReplicas', name));
  problems.push(
    ...checkMaxReplicas(o.workerReplicas, o.workerMaxReplicas, 'workerReplicas', 'workerMaxReplicas', name),
  );
  if (o.redis !== 'in-cluster' && o.redis !== 'external') bad('redis', 'must be "in-cluster" or "external"', o.redis);
  if (typeof o.secretName !== 'string' || o.secretName.length > 253 || !dnsSubdomain.test(o.secretName)) {
    bad('secretName', 'must be a DNS subdomain: lowercase letters, digits, "-" and "."', o.secretName);
  }
  if (typeof o.redisStorage !== 'string' || !quantity.test(o.redisStorage)) {
    bad('redisStorage', 'must be a Kubernetes quantity like "1Gi"', o.redisStorage);
  }
  if (
    o.redisStorageClass !== undefined &&
    (typeof o.redisStorageClass !== 'string' || !dnsSubdomain.test(o.redisStorageClass))
  ) {
    bad('redisStorageClass', 'must be a StorageClass name (DNS subdomain)', o.redisStorageClass);
  }
  if (!(LOG_LEVELS as readonly string[]).includes(o.logLevel))
    bad('logLevel', `must be one of ${LOG_LEVELS.join(', ')}`, o.logLevel);
  problems.push(...checkEdge(o, name));
  if (o.monitoring !== 'gmp' && o.monitoring !== 'none') bad('monitoring', 'must be "gmp" or "none"', o.monitoring);
  if (!isIntIn(o.maxUploadBytes, 1_024, 1_073_741_824))
    bad('maxUploadBytes', 'must be an integer from 1024 to 1073741824', o.maxUploadBytes);
  if (!isIntIn(o.uploadConcurrency, 1, 1_000))
    bad('uploadConcurrency', 'must be an integer from 1 to 1000', o.uploadConcurrency);
  if (!isIntIn(o.workerConcurrency, 1, 64))
    bad('workerConcurrency', 'must be an integer from 1 to 64', o.workerConcurrency);
  if (!isIntIn(o.jobRetentionSeconds, 1, 31_536_000))
    bad('jobRetentionSeconds', 'must be an integer from 1 to 31536000 (a year)', o.jobRetentionSeconds);
  for (const key of ['webMemoryLimit', 'workerMemoryLimit', 'redisMemoryLimit', 'redisMaxMemory'] as const) {
    if (memoryMiB(o[key]) === undefined) bad(key, 'must be a memory size in whole Mi or Gi, like "256Mi"', o[key]);
  }
  return problems;
}

type ReplicaKey = 'webReplicas' | 'workerReplicas';
type MaxReplicaKey = 'webMaxReplicas' | 'workerMaxReplicas';

/** A max of 1 keeps the fixed count; above 1 the autoscaler needs 1 <= replicas <= max. */
function checkMaxReplicas(
  replicas: number,
  max: number,
  replicasKey: ReplicaKey,
  maxKey: MaxReplicaKey,
  name: Record<keyof ManifestOptions, string>,
): string[] {
  // The same quota bound as the replica counts: a typo must not ask the cluster for dozens of pods.
  if (!isIntIn(max, 1, 10))
    return [`${name[maxKey]}: must be an integer from 1 to 10 (1 turns autoscaling off) (got ${JSON.stringify(max)})`];
  if (max === 1 || !isIntIn(replicas, 0, 10)) return [];
  if (replicas < 1)
    return [
      `${name[replicasKey]}: must be at least 1 when ${name[maxKey]} is above 1 (the autoscaler's minimum) (got ${replicas})`,
    ];
  if (replicas > max)
    return [
      `${name[maxKey]}: must be at least ${name[replicasKey]} (${replicas}), or 1 to turn autoscaling off (got ${max})`,
    ];
  return [];
}

function checkEdge(o: ResolvedManifestOptions, name: Record<keyof ManifestOptions, string>): string[] {
  const problems: string[] = [];
  if (o.edge !== 'loadbalancer' && o.edge !== 'ingress') {
    problems.push(`${name.edge}: must be "loadbalancer" or "ingress" (got ${JSON.stringify(o.edge)})`);
  }
  if (o.edge === 'ingress' && o.domain === undefined) {
    problems.push(
      `${name.domain}: is required with ${name.edge}=ingress: the public host name, e.g. api.example.com (got nothing)`,
    );
  }
  if (o.domain !== undefined && (typeof o.domain !== 'string' || !hostName.test(o.domain))) {
    problems.push(
      `${name.domain}: must be a lowercase host name like api.example.com, without scheme, port or wildcard (got ${JSON.stringify(o.domain)})`,
    );
  }
  const badOrigins = Array.isArray(o.allowedOrigins)
    ? o.allowedOrigins.filter((origin) => !isOrigin(origin))
    : [o.allowedOrigins];
  if (badOrigins.length > 0) {
    problems.push(
      `${name.allowedOrigins}: must list origins like https://app.example.com (scheme and host, no path or trailing "/") (got ${JSON.stringify(badOrigins)})`,
    );
  }
  if (typeof o.staticIpName !== 'string' || !gcpResourceName.test(o.staticIpName)) {
    problems.push(
      `${name.staticIpName}: must be a Compute Engine name: a lowercase letter, then letters, digits and "-", at most 63 (got ${JSON.stringify(o.staticIpName)})`,
    );
  }
  return problems;
}

function isOrigin(value: unknown): boolean {
  try {
    return typeof value === 'string' && new URL(value).origin === value;
  } catch {
    return false;
  }
}

function isIntIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Reads the synth overrides ({@link manifestEnvVars}) from `env`, which is passed in (pure). Unset or
 * empty variables keep their defaults. Throws one {@link ManifestOptionsError} that names every bad
 * variable by its environment name.
 */
export function manifestOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): ResolvedManifestOptions {
  const resolved: ResolvedManifestOptions = { ...defaultManifestOptions };
  const target = resolved as unknown as Record<string, unknown>;
  const problems: string[] = [];
  for (const [variable, key] of Object.entries(manifestEnvVars) as [string, keyof ManifestOptions][]) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') continue;
    const parsed = parseEnvValue(key, raw);
    if (parsed.ok) target[key] = parsed.value;
    else problems.push(`${variable}: ${parsed.why} (got ${JSON.stringify(raw)})`);
  }
  const envNames = Object.fromEntries(
    Object.entries(manifestEnvVars).map(([variable, key]) => [key, variable]),
  ) as Record<keyof ManifestOptions, string>;
  // Values that parsed but are out of range are named by their variable too.
  for (const problem of checkResolved(resolved, envNames)) {
    if (!problems.some((p) => p.split(':')[0] === problem.split(':')[0])) problems.push(problem);
  }
  if (problems.length > 0) throw new ManifestOptionsError(problems);
  // Each value is fine alone; together they must fit (the problems name the variables to change).
  const sizing = sizingProblems(sizingInputsOf(resolved));
  if (sizing.length > 0) throw new ManifestOptionsError(sizing);
  return resolved;
}

type Parsed = { ok: true; value: unknown } | { ok: false; why: string };

function parseEnvValue(key: keyof ManifestOptions, raw: string): Parsed {
  switch (key) {
    case 'enableWebsocket':
      if (raw === 'true') return { ok: true, value: true };
      if (raw === 'false') return { ok: true, value: false };
      return { ok: false, why: 'must be "true" or "false"' };
    case 'sessionAffinityTimeoutSeconds':
    case 'webReplicas':
    case 'workerReplicas':
    case 'webMaxReplicas':
    case 'workerMaxReplicas':
    case 'maxUploadBytes':
    case 'uploadConcurrency':
    case 'workerConcurrency':
    case 'jobRetentionSeconds':
      return /^[0-9]+$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, why: 'must be a whole number' };
    case 'allowedOrigins':
      return {
        ok: true,
        value: raw
          .split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin.length > 0),
      };
    default:
      return { ok: true, value: raw };
  }
}
