/**
 * The Secret the web, worker and Redis pods read: `JWT_SECRET`, `REDIS_PASSWORD` and the `REDIS_URL`
 * built from that password; or, with Memorystore, its `rediss://` URL and `REDIS_TLS_CA`. The values
 * come from secret stack config (or the instance) and stay secret in the state.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

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

/** The Secret's keys and values; every value is a secret Output. */
export function appSecretData(
  jwtSecret: pulumi.Output<string>,
  redis: pulumi.Output<string> | ExternalRedis,
): Partial<Record<'JWT_SECRET' | 'REDIS_PASSWORD' | 'REDIS_URL' | 'REDIS_TLS_CA', pulumi.Output<string>>> {
  if (!pulumi.Output.isInstance(redis)) {
    return { JWT_SECRET: pulumi.secret(jwtSecret), REDIS_URL: pulumi.secret(redis.url), REDIS_TLS_CA: pulumi.secret(redis.tlsCa) };
  }
  return {
    JWT_SECRET: pulumi.secret(jwtSecret),
    REDIS_PASSWORD: pulumi.secret(redis),
    REDIS_URL: pulumi.secret(redis.apply(redisUrl)),
  };
}

/** Arguments of {@link createAppSecret}. */
export interface AppSecretArgs {
  readonly name: string;
  readonly namespace: string;
  readonly jwtSecret: pulumi.Output<string>;
  /** The in-cluster Redis' password, or the external Redis' URL and CA. */
  readonly redis: pulumi.Output<string> | ExternalRedis;
}

/**
 * Creates the Secret. `opts.dependsOn` must include whatever creates the namespace. Pods read it at
 * start, so after changing a value run `kubectl -n <namespace> rollout restart deployment` (and the
 * redis StatefulSet) for it to take effect.
 */
export function createAppSecret(args: AppSecretArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    'app-secret',
    {
      metadata: { name: args.name, namespace: args.namespace },
      type: 'Opaque',
      stringData: appSecretData(args.jwtSecret, args.redis),
    },
    opts,
  );
}
