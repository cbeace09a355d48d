/**
 * The options of the synthesized manifests: one typed object that both entries use — `npm run synth`
 * (through {@link manifestOptionsFromEnv}) and the Pulumi program (which passes its stack config and
 * the pushed image's digest directly). Charts never read `process.env`; only this module's
 * {@link manifestOptionsFromEnv} turns an environment into options, and it is pure (the env is passed in).
 */

import { defaultSizing, sizingProblems, type SizingInputs } from './sizing.js';

/** Session affinity of the `web` Service, as Kubernetes spells it. */
export type SessionAffinity = 'None' | 'ClientIP';

/** pino levels the app accepts for `LOG_LEVEL`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

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
   * Name of the Secret holding `JWT_SECRET`, `REDIS_PASSWORD` and `REDIS_URL`
   * (`redis://:<password>@redis:6379`). The Pulumi program creates it; the manifests only reference it.
   * @default 'personalizedline-secrets'
   */
  secretName?: string;
  /**
   * Image of the `redis` StatefulSet. Must provide `redis-server`, `redis-cli` and `sh`, and run as
   * uid 999 (the official image's `redis` user).
   * @default 'redis:7.4.2-alpine'
   */
  redisImage?: string;
  /**
   * Size of Redis's PersistentVolumeClaim (the append-only file lives there).
   * @default '1Gi'
   */
  redisStorage?: string;
  /**
   * StorageClass of that claim; unset uses the cluster's default class (GKE: `standard-rwo`).
   * @default undefined
   */
  redisStorageClass?: string;
  /**
   * `LOG_LEVEL` of the web and worker containers.
   * @default 'info'
   */
  logLevel?: LogLevel;
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

/** The options with every optional field filled in, as the charts consume them. */
export type ResolvedManifestOptions = Required<Omit<ManifestOptions, 'redisStorageClass'>> &
  Pick<ManifestOptions, 'redisStorageClass'>;

/** The defaults: what `npm run synth` writes with an empty environment. */
export const defaultManifestOptions: Readonly<ResolvedManifestOptions> = Object.freeze({
  namespace: 'personalizedline',
  image: 'personalizedline:latest',
  enableWebsocket: true,
  sessionAffinity: 'None',
  sessionAffinityTimeoutSeconds: 10800,
  webReplicas: 1,
  workerReplicas: 1,
  secretName: 'personalizedline-secrets',
  redisImage: 'redis:7.4.2-alpine',
  redisStorage: '1Gi',
  redisStorageClass: undefined,
  logLevel: 'info',
  maxUploadBytes: defaultSizing.maxUploadBytes,
  uploadConcurrency: defaultSizing.uploadConcurrency,
  workerConcurrency: defaultSizing.workerConcurrency,
  jobRetentionSeconds: 604_800,
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
  SECRET_NAME: 'secretName',
  REDIS_IMAGE: 'redisImage',
  REDIS_STORAGE: 'redisStorage',
  REDIS_STORAGE_CLASS: 'redisStorageClass',
  LOG_LEVEL: 'logLevel',
  MAX_UPLOAD_BYTES: 'maxUploadBytes',
  UPLOAD_CONCURRENCY: 'uploadConcurrency',
  WORKER_CONCURRENCY: 'workerConcurrency',
  JOB_RETENTION_SECONDS: 'jobRetentionSeconds',
  WEB_MEMORY_LIMIT: 'webMemoryLimit',
  WORKER_MEMORY_LIMIT: 'workerMemoryLimit',
  REDIS_MEMORY_LIMIT: 'redisMemoryLimit',
  REDIS_MAXMEMORY: 'redisMaxMemory',
} as const satisfies Record<string, keyof ManifestOptions>;

const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
// RFC 1123 label: what Kubernetes accepts for a Namespace name (and a DNS-1123 subdomain for a Secret).
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// A loose image reference check: no spaces, no uppercase repository, optional tag and/or digest.
const imageRef = /^[a-z0-9][a-z0-9._\-/:]*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
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
    bad('redisImage', 'must be an image reference like "redis:7.4.2-alpine"', o.redisImage);
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
  if (typeof o.secretName !== 'string' || o.secretName.length > 253 || !dnsSubdomain.test(o.secretName)) {
    bad('secretName', 'must be a DNS subdomain: lowercase letters, digits, "-" and "."', o.secretName);
  }
  if (typeof o.redisStorage !== 'string' || !quantity.test(o.redisStorage)) {
    bad('redisStorage', 'must be a Kubernetes quantity like "1Gi"', o.redisStorage);
  }
  if (o.redisStorageClass !== undefined &&
    (typeof o.redisStorageClass !== 'string' || !dnsSubdomain.test(o.redisStorageClass))) {
    bad('redisStorageClass', 'must be a StorageClass name (DNS subdomain)', o.redisStorageClass);
  }
  if (!logLevels.includes(o.logLevel)) bad('logLevel', `must be one of ${logLevels.join(', ')}`, o.logLevel);
  if (!isIntIn(o.maxUploadBytes, 1_024, 1_073_741_824)) bad('maxUploadBytes', 'must be an integer from 1024 to 1073741824', o.maxUploadBytes);
  if (!isIntIn(o.uploadConcurrency, 1, 1_000)) bad('uploadConcurrency', 'must be an integer from 1 to 1000', o.uploadConcurrency);
  if (!isIntIn(o.workerConcurrency, 1, 64)) bad('workerConcurrency', 'must be an integer from 1 to 64', o.workerConcurrency);
  if (!isIntIn(o.jobRetentionSeconds, 1, 31_536_000)) bad('jobRetentionSeconds', 'must be an integer from 1 to 31536000 (a year)', o.jobRetentionSeconds);
  for (const key of ['webMemoryLimit', 'workerMemoryLimit', 'redisMemoryLimit', 'redisMaxMemory'] as const) {
    if (memoryMiB(o[key]) === undefined) bad(key, 'must be a memory size in whole Mi or Gi, like "256Mi"', o[key]);
  }
  return problems;
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
    case 'maxUploadBytes':
    case 'uploadConcurrency':
    case 'workerConcurrency':
    case 'jobRetentionSeconds':
      return /^[0-9]+$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, why: 'must be a whole number' };
    default:
      return { ok: true, value: raw };
  }
}
