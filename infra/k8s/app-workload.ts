/**
 * What the `web` and `rq-worker` Deployments share: the image's layout, the Secret-backed environment,
 * the writable `/tmp`, the pod spec and the rollout strategy. Values here are facts about the image
 * (built from this repository): working directory `/app`, compiled entry points under `build/`.
 */
import { k8s } from 'cdk8s-plus-28';
import { topologySpread } from './autoscaling.js';
import { selectorLabels, workloadLabels, type WorkloadName } from './labels.js';
import { appUserId, podSecurityContext } from './security.js';

/** The image's working directory; the commands below are relative to it. */
export const appWorkingDir = '/app';

/** Container commands, as the image and a local `npm run build` both lay the files out. */
export const appCommands = {
  web: ['node', 'build/app/server/main.js'],
  worker: ['node', 'build/app/worker/main.js'],
} as const;

/**
 * The keys the Secret may hold (the Pulumi program creates it): `REDIS_PASSWORD` for the in-cluster
 * Redis, `REDIS_TLS_CA` (PEM) for an external one reached over TLS (`rediss://` in `REDIS_URL`).
 */
export const secretKeys = ['JWT_SECRET', 'REDIS_PASSWORD', 'REDIS_URL', 'REDIS_TLS_CA'] as const;

/** An environment variable with a literal value. */
export function valueEnv(name: string, value: string): k8s.EnvVar {
  return { name, value };
}

/** An environment variable read from `secretName`'s key of the same name; a missing key stops the pod. */
export function secretEnv(name: string, secretName: string, key: (typeof secretKeys)[number]): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secretName, key, optional: false } } };
}

/** What both app containers' environments share besides the Secret. */
export interface CommonAppSettings {
  readonly secretName: string;
  readonly logLevel: string;
  /** V8's heap sizes for the container's limit (`nodeOptionsFor` in sizing.ts). */
  readonly nodeOptions: string;
  /** `JOB_RETENTION_SECONDS`: web and worker both end jobs, so both set the expiry. */
  readonly jobRetentionSeconds: number;
  /** Redis is outside the cluster (Memorystore): its CA file is mounted ({@link redisTlsVolume}). @default false */
  readonly externalRedis?: boolean;
}

/**
 * Environment both app containers get: the Redis URL and JWT secret, the log level, retention, the
 * heap sizes, and with an external Redis the CA file its TLS certificate is checked against.
 */
export function commonAppEnv(settings: CommonAppSettings): k8s.EnvVar[] {
  const { secretName } = settings;
  return [
    secretEnv('REDIS_URL', secretName, 'REDIS_URL'),
    ...(settings.externalRedis ? [valueEnv('REDIS_TLS_CA_FILE', redisTlsCaPath)] : []),
    secretEnv('JWT_SECRET', secretName, 'JWT_SECRET'),
    valueEnv('LOG_LEVEL', settings.logLevel),
    valueEnv('JOB_RETENTION_SECONDS', String(settings.jobRetentionSeconds)),
    valueEnv('NODE_OPTIONS', settings.nodeOptions),
  ];
}

/** Where the external Redis' CA certificate is mounted (`REDIS_TLS_CA_FILE`). */
export const redisTlsCaPath = '/etc/redis-tls/ca.crt';
const redisTlsVolumeName = 'redis-tls';

/** The Secret's `REDIS_TLS_CA` as the file {@link redisTlsCaPath}; a missing key stops the pod. */
export function redisTlsVolume(secretName: string): k8s.Volume {
  return {
    name: redisTlsVolumeName,
    secret: { secretName, items: [{ key: 'REDIS_TLS_CA', path: 'ca.crt' }], optional: false },
  };
}

/** Where {@link redisTlsVolume} is mounted. */
export function redisTlsVolumeMount(): k8s.VolumeMount {
  return {
    name: redisTlsVolumeName,
    mountPath: redisTlsCaPath.slice(0, redisTlsCaPath.lastIndexOf('/')),
    readOnly: true,
  };
}

/**
 * A digest-pinned image never changes, so the node's copy is good (`IfNotPresent`); a tag may move,
 * so it is pulled on every start (`Always`, which is also what Kubernetes does for `:latest`).
 */
export function imagePullPolicyFor(image: string): 'IfNotPresent' | 'Always' {
  return image.includes('@sha256:') ? 'IfNotPresent' : 'Always';
}

/** The only writable path of the app containers (the root filesystem is read-only). */
export const tmpVolumeName = 'tmp';

/** `/tmp` as a small node-disk `emptyDir`: Node and the app write nothing else. */
export function tmpVolume(): k8s.Volume {
  return { name: tmpVolumeName, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } };
}

/** Where {@link tmpVolume} is mounted. */
export function tmpVolumeMount(): k8s.VolumeMount {
  return { name: tmpVolumeName, mountPath: '/tmp' };
}

/** Inputs of {@link appDeploymentProps}. */
export interface AppDeploymentInput {
  readonly name: WorkloadName;
  readonly replicas: number;
  /**
   * A HorizontalPodAutoscaler owns the replica count (autoscaling.ts): no `spec.replicas`, so an apply
   * never resets it, and the pods spread over nodes and zones. @default false
   */
  readonly autoscaled?: boolean;
  readonly container: k8s.Container;
  readonly terminationGracePeriodSeconds: number;
  /** Pod volumes besides `/tmp` (the external Redis' CA). @default [] */
  readonly volumes?: readonly k8s.Volume[];
}

/**
 * A Deployment of one app container. The rollout surges one new pod and never takes an old one away
 * before the new one is ready, so one replica never drops to zero ready pods.
 */
export function appDeploymentProps(input: AppDeploymentInput): k8s.KubeDeploymentProps {
  return {
    metadata: { name: input.name, labels: workloadLabels(input.name) },
    spec: {
      ...(input.autoscaled ? {} : { replicas: input.replicas }),
      selector: { matchLabels: selectorLabels(input.name) },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
      },
      // Kubernetes' default, written out. `npm run rollback` does not use old ReplicaSets (quick turns
      // WebSocket off, full redeploys the previous image through Pulumi); they are kept so that
      // `kubectl rollout history` shows what ran before.
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      minReadySeconds: 0,
      template: {
        metadata: { labels: workloadLabels(input.name) },
        spec: appPodSpec(input),
      },
    },
  };
}

function appPodSpec(input: AppDeploymentInput): k8s.PodSpec {
  return {
    containers: [input.container],
    volumes: [tmpVolume(), ...(input.volumes ?? [])],
    securityContext: podSecurityContext(appUserId),
    // The app talks to the Kubernetes API never; no token means nothing to steal.
    automountServiceAccountToken: false,
    // Service links would add REDIS_PORT=tcp://… and friends to the environment; the app is
    // configured by the contract's variables only.
    enableServiceLinks: false,
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
    ...(input.autoscaled ? { topologySpreadConstraints: topologySpread(input.name) } : {}),
  };
}
