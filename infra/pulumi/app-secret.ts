/**
 * The Secret the web, worker and Redis pods read: `JWT_SECRET`, `REDIS_PASSWORD` and the `REDIS_URL`
 * built from that password; or, with Memorystore, its `rediss://` URL and `REDIS_TLS_CA`. The values
 * come from secret stack config (or the instance) and stay secret in the state.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { createHash } from 'node:crypto';
import { dataProtection } from './data-protection.js';

/** The in-cluster Redis URL for `password`: the `redis` Service of the same namespace. */
export function redisUrl(password: string): string {
  // Percent-encoded so any password survives URL parsing; the app's Redis client decodes it.
  return `redis://:${encodeURIComponent(password)}@redis:6379`;
}

/** An external Redis (memorystore.ts): its URL and the CA its certificate chains to. */
export interface ExternalRedis {
  readonly url: pulumi.Output<string>;
  readonly tlsCa: pulumi.Output<string>;
}

/**
 * The Secret's keys and values, every value a secret Output: with the in-cluster Redis its password
 * and the URL built from it; with an external one its `rediss://` URL and `REDIS_TLS_CA`.
 */
export function appSecretData(
  jwtSecret: pulumi.Output<string>,
  redis: pulumi.Output<string> | ExternalRedis,
): Record<string, pulumi.Output<string>> {
  if (!pulumi.Output.isInstance(redis)) {
    return {
      JWT_SECRET: pulumi.secret(jwtSecret),
      REDIS_URL: pulumi.secret(redis.url),
      REDIS_TLS_CA: pulumi.secret(redis.tlsCa),
    };
  }
  return {
    JWT_SECRET: pulumi.secret(jwtSecret),
    REDIS_PASSWORD: pulumi.secret(redis),
    REDIS_URL: pulumi.secret(redis.apply(redisUrl)),
  };
}

/** The Secret's keys for a Redis placement, with empty values: what a preview without the secrets shows. */
export function previewStandInData(redis: 'in-cluster' | 'memorystore'): Record<string, pulumi.Output<string>> {
  const keys =
    redis === 'memorystore'
      ? ['JWT_SECRET', 'REDIS_URL', 'REDIS_TLS_CA']
      : ['JWT_SECRET', 'REDIS_PASSWORD', 'REDIS_URL'];
  return Object.fromEntries(keys.map((key) => [key, pulumi.secret('')]));
}

/** The pod-template annotation that carries {@link secretChecksum}: a new value rolls the pods. */
export const secretChecksumAnnotation = 'checksum/secret';

/**
 * SHA-256 (hex) of the Secret's keys and values, independent of key order. Pods read the Secret only at
 * start, so the workloads' pod templates carry this: rotating `jwtSecret` or `redisPassword` changes
 * the template and rolls every pod that reads the Secret. Pure.
 */
export function secretChecksum(data: Readonly<Record<string, string>>): string {
  const entries = Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

/**
 * {@link secretChecksum} of the Secret's data, as a plain (not secret) Output. A SHA-256 of random
 * secrets reveals nothing of them; kept secret, it would make the whole workload YAML secret and hide
 * every diff of a preview.
 */
export function secretChecksumOf(data: Record<string, pulumi.Output<string>>): pulumi.Output<string> {
  return pulumi.unsecret(pulumi.all(data).apply(secretChecksum));
}

/** Arguments of {@link createAppSecret}. */
export interface AppSecretArgs {
  readonly name: string;
  readonly namespace: string;
  /** {@link appSecretData}, or stand-ins when a preview runs without the secrets (see config.ts). */
  readonly data: Record<string, pulumi.Output<string>>;
  /**
   * The data are stand-ins: keep whatever the stack holds, so the preview shows no change it cannot know.
   * @default false
   */
  readonly keepStoredData?: boolean;
}

/**
 * Creates the Secret, protected (data-protection.ts) and updated in place (the provider's
 * `enableSecretMutable`). `opts.dependsOn` must include whatever creates the namespace.
 */
export function createAppSecret(args: AppSecretArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    'app-secret',
    { metadata: { name: args.name, namespace: args.namespace }, type: 'Opaque', stringData: args.data },
    pulumi.mergeOptions(opts, { ...dataProtection, ignoreChanges: args.keepStoredData ? ['stringData', 'data'] : [] }),
  );
}
