/**
 * Every stack config read of the Pulumi program, in one place, each with its typed default
 * (for `prod` they live in the ESC environment `Pulumi.prod.yaml` names; docs/runbook.md#config-home says why
 * and how to set them). The program reads them like any stack config: it does not know where they live.
 * Defaults use `??`, never `||`, so an explicit `0` or `false` is kept.
 */
import * as pulumi from '@pulumi/pulumi';
import { defaultManifestOptions, type Edge, type Monitoring, type SessionAffinity } from '../k8s/options.js';
import { defaultAlertThresholds, type AlertThresholds } from '../monitoring/thresholds.js';
import { gcrHosts, type GcrHost } from './registry.js';

/** CPU architectures GKE node pools run; the image is built for one of them. */
export const imagePlatforms = ['linux/amd64', 'linux/arm64'] as const;
export type ImagePlatform = (typeof imagePlatforms)[number];

/** The stack's settings, read once by {@link readStackConfig}. */
export interface StackConfig {
  /** `gcp:project` (required): the project of the cluster and the registry. */
  readonly gcpProject: string;
  /** `gcp:region`. @default 'us-central1' */
  readonly gcpRegion: string;
  /** `clusterName`: the existing GKE cluster. @default 'personalizedline' */
  readonly clusterName: string;
  /** `clusterLocation`: its region (regional cluster) or zone. @default gcpRegion */
  readonly clusterLocation: string;
  /** `namespace`: created by the manifests. @default 'personalizedline' */
  readonly namespace: string;
  /** `registry`: a gcr.io host, served by an Artifact Registry repository of the same name. @default 'gcr.io' */
  readonly registry: GcrHost;
  /** `imageName`: the image is `<registry>/<gcpProject>/<imageName>`. @default 'personalizedline' */
  readonly imageName: string;
  /** `imageTag`: the human-readable tag pushed besides `latest`. @default the git commit (see git-commit.ts) */
  readonly imageTag: string;
  /**
   * `imageDigestOverride`: deploy this `repo@sha256:…` and build nothing. The rollbacks set it in the
   * stack's config home to pin an image; it stays through later deploys (CI's included) until
   * `npm run deploy -- --unpin` removes it. @default undefined (build and push)
   */
  readonly imageDigestOverride: string | undefined;
  /** `createGcrRepository`: create the `gcr.io` Artifact Registry repository. @default true */
  readonly createGcrRepository: boolean;
  /** `platform`: the nodes' architecture. @default 'linux/amd64' */
  readonly platform: ImagePlatform;
  /** `enableWebsocket`: `ENABLE_WEBSOCKET` of the web pods. @default true */
  readonly enableWebsocket: boolean;
  /** `sessionAffinity` of the `web` Service. @default 'None' */
  readonly sessionAffinity: SessionAffinity;
  /** `sessionAffinityTimeoutSeconds`, used with `ClientIP`. @default the charts' ({@link defaultManifestOptions}) */
  readonly sessionAffinityTimeoutSeconds: number | undefined;
  /** `webReplicas`. @default 1 */
  readonly webReplicas: number;
  /** `workerReplicas`. @default 1 */
  readonly workerReplicas: number;
  /** `webMaxReplicas`: above 1, web is autoscaled from `webReplicas` up to this. @default 1 */
  readonly webMaxReplicas: number;
  /** `workerMaxReplicas`: above 1, rq-worker is autoscaled from `workerReplicas` up to this. @default 1 */
  readonly workerMaxReplicas: number;
  /** `redis`: the in-cluster StatefulSet, or a Memorystore instance (memorystore.ts). @default 'in-cluster' */
  readonly redis: 'in-cluster' | 'memorystore';
  /** `monitoring`: `gmp` (PodMonitoring, alert policies, dashboard) or `none` (only the uptime check). @default 'gmp' */
  readonly monitoring: Monitoring;
  /** `rolloutTimeoutMinutes`: how long `pulumi up` waits for each object to become ready. @default 10 */
  readonly rolloutTimeoutMinutes: number;
  /**
   * `nodeServiceAccount`: the email of the account the nodes pull images as; it gets
   * `roles/artifactregistry.reader` on the repository. @default the cluster's (image-pull-access.ts)
   */
  readonly nodeServiceAccount: string | undefined;
  /**
   * `previewImage` (preview only): the image the workloads show while a preview has no pushed digest,
   * i.e. the running one, so the preview diffs the workloads instead of calling them unknown.
   * `npm run deploy -- --preview` sets it in a temporary config file. @default undefined
   */
  readonly previewImage: string | undefined;
  /** `jwtSecret` (optional) and `redisPassword`, or the stand-in a preview without them uses. */
  readonly secrets: StackSecrets;
}

/** How the program gets the Secret's content. */
export type StackSecrets =
  | {
      readonly kind: 'configured';
      /** `jwtSecret` (secret): signs user tokens. @default undefined (the program generates one, jwt-secret.ts) */
      readonly jwtSecret: pulumi.Output<string> | undefined;
      /**
       * `redisPassword` (secret; required with the in-cluster Redis): its `requirepass`, also inside
       * `REDIS_URL`. Memorystore has its own AUTH string, so with `redis: memorystore` it may be unset.
       */
      readonly redisPassword: pulumi.Output<string> | undefined;
    }
  | {
      /**
       * A pull request's preview, which must not hold production secrets: `previewSecretChecksum` is the
       * running Secret's checksum (a stack output), the Secret's stored data are kept unchanged.
       */
      readonly kind: 'preview';
      readonly checksum: string;
    };

const digestReference = /^[a-z0-9][\w.:/-]*@sha256:[0-9a-f]{64}$/;

/**
 * Reads the stack config. `defaultImageTag` is called only when `imageTag` is unset, so a stack that
 * pins its tag never needs git.
 */
export function readStackConfig(defaultImageTag: () => string): StackConfig {
  const config = new pulumi.Config();
  const gcpConfig = new pulumi.Config('gcp');
  // The required keys first, so a stack missing one fails before anything slower (git) runs.
  const gcpProject = gcpConfig.require('project');
  const redis = config.get('redis', { allowedValues: ['in-cluster', 'memorystore'] }) ?? 'in-cluster';
  const secrets = readSecrets(config, redis);
  const gcpRegion = gcpConfig.get('region') ?? 'us-central1';
  const m = defaultManifestOptions;
  return {
    gcpProject,
    gcpRegion,
    clusterName: config.get('clusterName') ?? 'personalizedline',
    clusterLocation: config.get('clusterLocation') ?? gcpRegion,
    namespace: config.get('namespace') ?? m.namespace,
    registry: config.get('registry', { allowedValues: [...gcrHosts] }) ?? 'gcr.io',
    imageName: config.get('imageName', { pattern: /^[a-z0-9]+([._-][a-z0-9]+)*$/ }) ?? 'personalizedline',
    imageTag: config.get('imageTag', { pattern: /^[\w][\w.-]{0,127}$/ }) ?? defaultImageTag(),
    imageDigestOverride: config.get('imageDigestOverride', { pattern: digestReference }),
    createGcrRepository: config.getBoolean('createGcrRepository') ?? true,
    platform: config.get('platform', { allowedValues: [...imagePlatforms] }) ?? 'linux/amd64',
    enableWebsocket: config.getBoolean('enableWebsocket') ?? m.enableWebsocket,
    sessionAffinity: config.get('sessionAffinity', { allowedValues: ['None', 'ClientIP'] }) ?? m.sessionAffinity,
    sessionAffinityTimeoutSeconds: config.getNumber('sessionAffinityTimeoutSeconds', { min: 1, max: 86_400 }),
    // The charts check the upper bound (10) and say why; here only the type and sign.
    webReplicas: config.getNumber('webReplicas', { min: 0 }) ?? m.webReplicas,
    workerReplicas: config.getNumber('workerReplicas', { min: 0 }) ?? m.workerReplicas,
    monitoring: config.get('monitoring', { allowedValues: ['gmp', 'none'] }) ?? m.monitoring,
    webMaxReplicas: config.getNumber('webMaxReplicas', { min: 1 }) ?? m.webMaxReplicas,
    workerMaxReplicas: config.getNumber('workerMaxReplicas', { min: 1 }) ?? m.workerMaxReplicas,
    redis,
    rolloutTimeoutMinutes: config.getNumber('rolloutTimeoutMinutes', { min: 1 }) ?? 10,
    nodeServiceAccount: config.get('nodeServiceAccount', { pattern: /^[^@\s]+@[^@\s]+\.gserviceaccount\.com$/ }),
    // Only a preview reads these: `pulumi up` never deploys a stand-in.
    previewImage: pulumi.runtime.isDryRun() ? config.get('previewImage', { pattern: digestReference }) : undefined,
    secrets,
  };
}

/**
 * The secrets: `redisPassword` is required with the in-cluster Redis, unless this is a preview that
 * was given `previewSecretChecksum` (and then only when it is absent: an operator's preview with the
 * secrets diffs them for real); `jwtSecret` is optional (generated when unset, jwt-secret.ts).
 */
function readSecrets(config: pulumi.Config, redis: StackConfig['redis']): StackSecrets {
  const jwtSecret = config.getSecret('jwtSecret');
  const redisPassword = config.getSecret('redisPassword');
  if (redisPassword !== undefined) return { kind: 'configured', jwtSecret, redisPassword };
  const checksum = pulumi.runtime.isDryRun()
    ? config.get('previewSecretChecksum', { pattern: /^[0-9a-f]{64}$/ })
    : undefined;
  if (checksum !== undefined) return { kind: 'preview', checksum };
  if (redis === 'memorystore') return { kind: 'configured', jwtSecret, redisPassword: undefined };
  // Pulumi's own "Missing required configuration variable" error, naming the key and how to set it.
  return { kind: 'configured', jwtSecret, redisPassword: config.requireSecret('redisPassword') };
}

/** How the web server is reached from the internet (edge.ts), read by {@link readEdgeConfig}. */
export interface EdgeConfig {
  /** `edge`: `loadbalancer` (plain HTTP on an L4 IP) or `ingress` (HTTPS and WSS on `domain`). @default 'loadbalancer' */
  readonly edge: Edge;
  /** `domain`: the public host name, e.g. `api.example.com`; required with `ingress`. */
  readonly domain: string | undefined;
  /** `dnsZone`: a Cloud DNS managed zone name; when set, the program writes the domain's A record there. */
  readonly dnsZone: string | undefined;
  /** `staticIpName`: the reserved global address the Ingress uses. @default 'web' */
  readonly staticIpName: string;
  /** `allowedOrigins`: comma-separated frontend origins, the web pods' `ALLOWED_ORIGINS`. @default [] (same origin only) */
  readonly allowedOrigins: readonly string[];
}

/** Reads the edge settings; `ingress` without `domain` stops the program before anything is created. */
export function readEdgeConfig(): EdgeConfig {
  const config = new pulumi.Config();
  const edge = config.get('edge', { allowedValues: ['loadbalancer', 'ingress'] }) ?? defaultManifestOptions.edge;
  const domain = config.get('domain');
  if (edge === 'ingress' && domain === undefined) {
    throw new pulumi.RunError(
      'Missing required configuration variable \'personalizedline:domain\': edge is "ingress"; set it with `pulumi config set domain api.example.com`.',
    );
  }
  return {
    edge,
    domain,
    dnsZone: config.get('dnsZone'),
    staticIpName:
      config.get('staticIpName', { pattern: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/ }) ??
      defaultManifestOptions.staticIpName,
    // The charts check each entry and name a bad one.
    allowedOrigins: (config.get('allowedOrigins') ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
  };
}

/** Who is told about alerts, and when (monitoring.ts), read by {@link readAlertingConfig}. */
export interface AlertingConfig {
  /** `alertEmail`: an address the alerts notify. @default undefined (no channel: alerts show in the console) */
  readonly alertEmail: string | undefined;
  /** The `alert*` keys and `deliveryP99ObjectiveSeconds` (infra/monitoring/thresholds.ts lists them with their defaults). */
  readonly thresholds: AlertThresholds;
}

/** Reads the alerting settings; a value out of range stops the program before anything is created. */
export function readAlertingConfig(): AlertingConfig {
  const config = new pulumi.Config();
  const number = (key: string, fallback: number, min: number, max?: number): number =>
    config.getNumber(key, { min, ...(max === undefined ? {} : { max }) }) ?? fallback;
  const d = defaultAlertThresholds;
  return {
    alertEmail: config.get('alertEmail', { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ }),
    thresholds: {
      jobFailureRatio: number('alertJobFailureRatio', d.jobFailureRatio, 0, 1),
      jobFailureMinJobs: number('alertJobFailureMinJobs', d.jobFailureMinJobs, 1),
      wsErrorClosesPerMinute: number('alertWsErrorClosesPerMinute', d.wsErrorClosesPerMinute, 0),
      deliveryP99ObjectiveSeconds: number('deliveryP99ObjectiveSeconds', d.deliveryP99ObjectiveSeconds, 0.001),
      queueWaitMinutes: number('alertQueueWaitMinutes', d.queueWaitMinutes, 0.5),
      capacityRejectionsPer10Minutes: number('alertCapacityRejections', d.capacityRejectionsPer10Minutes, 0),
      notReadyMinutes: number('alertNotReadyMinutes', d.notReadyMinutes, 1),
    },
  };
}
