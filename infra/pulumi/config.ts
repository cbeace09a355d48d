/**
 * Every stack config read of the Pulumi program, in one place, each with its typed default
 * (`Pulumi.prod.yaml` is the example stack file; docs/pulumi.md lists the `pulumi config set` commands).
 * Defaults use `??`, never `||`, so an explicit `0` or `false` is kept.
 */
import * as pulumi from '@pulumi/pulumi';
import type { Edge, SessionAffinity } from '../k8s/options.js';
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
   * `imageDigestOverride`: deploy this `repo@sha256:…` and build nothing. `npm run rollback -- full`
   * sets it to pin an earlier image; `npm run deploy` removes it. @default undefined (build and push)
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
  /** `sessionAffinityTimeoutSeconds`, used with `ClientIP`. @default the charts' default (10800) */
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
  /** `rolloutTimeoutMinutes`: how long `pulumi up` waits for each object to become ready. @default 10 */
  readonly rolloutTimeoutMinutes: number;
  /** `jwtSecret` (secret): signs user tokens. @default undefined (the program generates one, jwt-secret.ts) */
  readonly jwtSecret: pulumi.Output<string> | undefined;
  /**
   * `redisPassword` (secret; required with the in-cluster Redis): its `requirepass`, also inside
   * `REDIS_URL`. Memorystore has its own AUTH string. @default undefined
   */
  readonly redisPassword: pulumi.Output<string> | undefined;
}

/**
 * Reads the stack config. `defaultImageTag` is called only when `imageTag` is unset, so a stack that
 * pins its tag never needs git.
 */
export function readStackConfig(defaultImageTag: () => string): StackConfig {
  const config = new pulumi.Config();
  const gcpConfig = new pulumi.Config('gcp');
  // The required keys first, so a stack missing one fails before anything slower (git) runs.
  const gcpProject = gcpConfig.require('project');
  const jwtSecret = config.getSecret('jwtSecret');
  const redis = (config.get('redis', { allowedValues: ['in-cluster', 'memorystore'] }) ?? 'in-cluster') as StackConfig['redis'];
  const redisPassword = redis === 'in-cluster' ? config.requireSecret('redisPassword') : config.getSecret('redisPassword');
  const gcpRegion = gcpConfig.get('region') ?? 'us-central1';
  return {
    gcpProject,
    gcpRegion,
    clusterName: config.get('clusterName') ?? 'personalizedline',
    clusterLocation: config.get('clusterLocation') ?? gcpRegion,
    namespace: config.get('namespace') ?? 'personalizedline',
    registry: (config.get('registry', { allowedValues: [...gcrHosts] }) ?? 'gcr.io') as GcrHost,
    imageName: config.get('imageName', { pattern: /^[a-z0-9]+([._-][a-z0-9]+)*$/ }) ?? 'personalizedline',
    imageTag: config.get('imageTag', { pattern: /^[\w][\w.-]{0,127}$/ }) ?? defaultImageTag(),
    imageDigestOverride: config.get('imageDigestOverride', { pattern: /^[a-z0-9][\w.:/-]*@sha256:[0-9a-f]{64}$/ }),
    createGcrRepository: config.getBoolean('createGcrRepository') ?? true,
    platform: (config.get('platform', { allowedValues: [...imagePlatforms] }) ?? 'linux/amd64') as ImagePlatform,
    enableWebsocket: config.getBoolean('enableWebsocket') ?? true,
    sessionAffinity: (config.get('sessionAffinity', { allowedValues: ['None', 'ClientIP'] }) ??
      'None') as SessionAffinity,
    sessionAffinityTimeoutSeconds: config.getNumber('sessionAffinityTimeoutSeconds', { min: 1, max: 86_400 }),
    // The charts check the upper bound (10) and say why; here only the type and sign.
    webReplicas: config.getNumber('webReplicas', { min: 0 }) ?? 1,
    workerReplicas: config.getNumber('workerReplicas', { min: 0 }) ?? 1,
    webMaxReplicas: config.getNumber('webMaxReplicas', { min: 1 }) ?? 1,
    workerMaxReplicas: config.getNumber('workerMaxReplicas', { min: 1 }) ?? 1,
    redis,
    rolloutTimeoutMinutes: config.getNumber('rolloutTimeoutMinutes', { min: 1 }) ?? 10,
    jwtSecret,
    redisPassword,
  };
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
  const edge = (config.get('edge', { allowedValues: ['loadbalancer', 'ingress'] }) ?? 'loadbalancer') as Edge;
  const domain = config.get('domain');
  if (edge === 'ingress' && domain === undefined) {
    throw new pulumi.RunError('Missing required configuration variable \'personalizedline:domain\': edge is "ingress"; set it with `pulumi config set domain api.example.com`.');
  }
  return {
    edge,
    domain,
    dnsZone: config.get('dnsZone'),
    staticIpName: config.get('staticIpName', { pattern: /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/ }) ?? 'web',
    // The charts check each entry and name a bad one.
    allowedOrigins: (config.get('allowedOrigins') ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0),
  };
}
