/**
 * Chart `redis`: the only store (jobs, queue, results, pub/sub). One StatefulSet pod with its own
 * persistent disk and append-only persistence, a ClusterIP Service, and a NetworkPolicy that admits
 * only the web and worker pods.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { imagePullPolicyFor, secretEnv } from './app-workload.js';
import { selectorLabels, workloadLabels, workloadNames } from './labels.js';
import { redisMaxMemoryArgument, toResourceRequirements, type ContainerBudget } from './resources.js';
import { containerSecurityContext, podSecurityContext, redisUserId } from './security.js';

/** Props of {@link RedisChart}. */
export interface RedisChartProps {
  /** Namespace of every object. */
  readonly namespace: string;
  /** Redis image (official image layout: `redis-server`, `redis-cli`, `sh`, uid 999). */
  readonly image: string;
  /** Secret with `REDIS_PASSWORD`. */
  readonly secretName: string;
  /** Size of the data volume, e.g. `1Gi`. */
  readonly storage: string;
  /**
   * StorageClass of the data volume; the manifests pass their own Retain class unless another is set.
   * @default the cluster's default class
   */
  readonly storageClass?: string;
  /** `maxmemory` in MiB (infra/k8s/sizing.ts checks it against `resources`). */
  readonly maxMemoryMiB: number;
  /** Requests and limits. */
  readonly resources: ContainerBudget;
}

/** Redis's port, in the container and on Service `redis` (what `REDIS_URL` points at). */
export const redisPort = 6379;

/** The data volume's claim-template name (the claim is `data-redis-0`) and mount path. */
export const redisDataVolume = { name: 'data', mountPath: '/data' } as const;

/**
 * `redis-server` arguments. `$(REDIS_PASSWORD)` is expanded by the kubelet from the container's
 * environment, so the password is in neither the manifest nor the image.
 * - `appendonly yes` + `appendfsync everysec`: every write reaches the file (page cache) before the
 *   client gets its reply, so a crash or restart of the pod loses nothing; only a whole-node power
 *   loss can lose the last second.
 * - `save ""`: no RDB snapshots beside the AOF (one fork less, one file less).
 * - `maxmemory-policy noeviction`: a queue must never silently drop keys.
 */
export function redisServerArgs(maxMemoryMiB: number): string[] {
  return [
    '--port',
    String(redisPort),
    '--dir',
    redisDataVolume.mountPath,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory',
    redisMaxMemoryArgument(maxMemoryMiB),
    '--maxmemory-policy',
    'noeviction',
    '--requirepass',
    '$(REDIS_PASSWORD)',
  ];
}

/** StatefulSet `redis`, Service `redis` and NetworkPolicy `redis`. */
export class RedisChart extends Chart {
  constructor(scope: Construct, id: string, props: RedisChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    const metadata = { name: workloadNames.redis, labels: workloadLabels('redis') };
    new k8s.KubeService(this, 'service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels('redis'),
        ports: [{ name: 'redis', protocol: 'TCP', port: redisPort, targetPort: k8s.IntOrString.fromNumber(redisPort) }],
      },
    });
    new k8s.KubeStatefulSet(this, 'statefulset', { metadata, spec: redisStatefulSetSpec(props) });
    new k8s.KubeNetworkPolicy(this, 'network-policy', { metadata, spec: redisNetworkPolicySpec() });
  }
}

function redisStatefulSetSpec(props: RedisChartProps): k8s.StatefulSetSpec {
  return {
    // One primary: Redis here is a single store, not a cluster. More replicas would be separate,
    // unsynchronised Redis servers behind one Service.
    replicas: 1,
    serviceName: workloadNames.redis,
    selector: { matchLabels: selectorLabels('redis') },
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate' },
    revisionHistoryLimit: 10,
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    template: {
      metadata: { labels: workloadLabels('redis') },
      spec: {
        containers: [redisContainer(props)],
        securityContext: podSecurityContext(redisUserId, redisUserId),
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
        // On SIGTERM Redis flushes the AOF and exits in well under a second; 30 s is ample.
        terminationGracePeriodSeconds: 30,
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: redisDataVolume.name, labels: workloadLabels('redis') },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: k8s.Quantity.fromString(props.storage) } },
          ...(props.storageClass === undefined ? {} : { storageClassName: props.storageClass }),
        },
      },
    ],
  };
}

function redisContainer(props: RedisChartProps): k8s.Container {
  // redis-cli reads the password from REDISCLI_AUTH, so probes never put it on a command line.
  const ping: k8s.ExecAction = { command: ['sh', '-c', `redis-cli -p ${redisPort} ping | grep -q PONG`] };
  return {
    name: workloadNames.redis,
    image: props.image,
    imagePullPolicy: imagePullPolicyFor(props.image),
    // The image's entrypoint script would try to chown /data as root; run the server directly.
    command: ['redis-server'],
    args: redisServerArgs(props.maxMemoryMiB),
    ports: [{ name: 'redis', containerPort: redisPort, protocol: 'TCP' }],
    env: [
      secretEnv('REDIS_PASSWORD', props.secretName, 'REDIS_PASSWORD'),
      secretEnv('REDISCLI_AUTH', props.secretName, 'REDIS_PASSWORD'),
    ],
    // Loading a large AOF answers LOADING to PING: allow 5 minutes (5 s × 60) before liveness counts.
    startupProbe: { exec: ping, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60, successThreshold: 1 },
    readinessProbe: { exec: ping, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2, successThreshold: 1 },
    // Liveness only asks whether the process accepts connections; a busy Redis is not restarted.
    livenessProbe: {
      tcpSocket: { port: k8s.IntOrString.fromNumber(redisPort) },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
      successThreshold: 1,
    },
    resources: toResourceRequirements(props.resources),
    securityContext: containerSecurityContext(redisUserId),
    volumeMounts: [{ name: redisDataVolume.name, mountPath: redisDataVolume.mountPath }],
  };
}

function redisNetworkPolicySpec(): k8s.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: selectorLabels('redis') },
    policyTypes: ['Ingress'],
    ingress: [
      {
        // Two peers in one rule: a pod labelled app=web OR app=rq-worker, on the Redis port only.
        from: [
          { podSelector: { matchLabels: selectorLabels('web') } },
          { podSelector: { matchLabels: selectorLabels('rq-worker') } },
        ],
        ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(redisPort) }],
      },
    ],
  };
}
