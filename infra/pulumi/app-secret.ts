/**
 * The Secret the web, worker and Redis pods read: `JWT_SECRET`, `REDIS_PASSWORD` and the `REDIS_URL`
 * built from that password. The values come from secret stack config and stay secret in the state.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** The in-cluster Redis URL for `password`: the `redis` Service of the same namespace. */
export function redisUrl(password: string): string {
  // Percent-encoded so any password survives URL parsing; the app's Redis client decodes it.
  return `redis://:${encodeURIComponent(password)}@redis:6379`;
}

/** The Secret's keys and values; every value is a secret Output. */
export function appSecretData(
  jwtSecret: pulumi.Output<string>,
  redisPassword: pulumi.Output<string>,
): Record<'JWT_SECRET' | 'REDIS_PASSWORD' | 'REDIS_URL', pulumi.Output<string>> {
  return {
    JWT_SECRET: pulumi.secret(jwtSecret),
    REDIS_PASSWORD: pulumi.secret(redisPassword),
    REDIS_URL: pulumi.secret(redisPassword.apply(redisUrl)),
  };
}

/** Arguments of {@link createAppSecret}. */
export interface AppSecretArgs {
  readonly name: string;
  readonly namespace: string;
  readonly jwtSecret: pulumi.Output<string>;
  readonly redisPassword: pulumi.Output<string>;
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
      stringData: appSecretData(args.jwtSecret, args.redisPassword),
    },
    opts,
  );
}
