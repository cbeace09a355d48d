/**
 * `pulumi up`: build and push the image, then roll it out to the existing GKE cluster and wait until
 * it is ready. Safe to repeat: an unchanged build context builds nothing, an unchanged image digest
 * changes no pod. It does what docker build, docker push, kubectl apply and kubectl rollout status
 * would by hand. docs/pulumi.md says what to install and which config to set.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { fileURLToPath } from 'node:url';
import {
  appSecretData,
  createAppSecret,
  previewStandInData,
  secretChecksumAnnotation,
  secretChecksumOf,
} from './app-secret.js';
import { gkeProvider, lookUpCluster } from './cluster.js';
import { readAlertingConfig, readEdgeConfig, readStackConfig } from './config.js';
import { createEdge, edgeUrls } from './edge.js';
import { dataProtection } from './data-protection.js';
import { readCommitTag } from './git-commit.js';
import { buildAppImage, imageTags } from './image.js';
import { grantImagePull, nodeServiceAccountOf } from './image-pull-access.js';
import { jwtSecretOrGenerated } from './jwt-secret.js';
import { appSecretName, renderManifests, withPodAnnotations } from './manifests.js';
import { createMemorystore, readMemorystoreConfig } from './memorystore.js';
import { createMonitoring, uptimeTarget } from './monitoring.js';
import { enableRequiredApis } from './project-apis.js';
import { createGcrRepository, imageRepository, registryAccessToken } from './registry.js';
import { applyManifests, loadBalancerAddress } from './rollout.js';

// Pulumi runs the program from this folder; the build context is the project root.
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

const config = readStackConfig(() => readCommitTag(projectRoot));
const edgeConfig = readEdgeConfig();
const alerting = readAlertingConfig();
const memorystoreConfig = config.redis === 'memorystore' ? readMemorystoreConfig() : undefined;
const repository = imageRepository(config.registry, config.gcpProject, config.imageName);
// The Namespace does not depend on the image, so it and the Secret need not wait for the build; and
// synthesizing now rejects bad manifest options before a multi-minute build rather than after it.
const { namespaceYaml } = renderManifests(
  config,
  config.imageDigestOverride ?? imageTags(repository, config.imageTag)[0]!,
  edgeConfig,
);

// With edge=ingress: the global IP the Ingress is given by name, and the domain's A record (edge.ts).
const edge = createEdge(edgeConfig, config.gcpProject);

// The APIs the stack uses, kept enabled (never disabled by this stack).
const apis = enableRequiredApis(config.gcpProject, { memorystore: config.redis === 'memorystore' });

// The Artifact Registry repository that serves gcr.io names (Container Registry no longer takes pushes).
const gcrRepository = config.createGcrRepository
  ? createGcrRepository(config.registry, config.gcpProject, { dependsOn: [apis['artifactregistry.googleapis.com']] })
  : undefined;

// The image, built from the root Dockerfile and pushed as :<commit> and :latest; or, while the stack
// is pinned to an image by a rollback, that image, and nothing is built.
const digestRef =
  config.imageDigestOverride !== undefined
    ? pulumi.output(config.imageDigestOverride)
    : buildAppImage(
        {
          contextDir: projectRoot,
          repository,
          registry: config.registry,
          tag: config.imageTag,
          platform: config.platform,
          accessToken: registryAccessToken(),
          previewImage: config.previewImage,
        },
        { dependsOn: gcrRepository ? [gcrRepository] : [] },
      ).digestRef;

// The existing cluster, reached with the user's gcloud credentials.
const clusterArgs = { project: config.gcpProject, location: config.clusterLocation, clusterName: config.clusterName };
const cluster = lookUpCluster(clusterArgs);
const provider = gkeProvider(clusterArgs, cluster);

// The nodes may read the repository (nothing grants that by default any more): the configured
// account, else the one the cluster's nodes run as.
const nodeAccount =
  config.nodeServiceAccount ??
  pulumi
    .all([cluster, gcp.organizations.getProjectOutput({ projectId: config.gcpProject }).number])
    .apply(([described, projectNumber]) => nodeServiceAccountOf(described, projectNumber));
grantImagePull(
  { project: config.gcpProject, registry: config.registry, serviceAccount: nodeAccount },
  { dependsOn: gcrRepository ? [gcrRepository] : [] },
);

// First the Namespace (it is part of the charts' output)...
const namespace = applyManifests('namespace', {
  yaml: namespaceYaml,
  provider,
  timeoutMinutes: config.rolloutTimeoutMinutes,
});

// With redis=memorystore, a managed Redis on the cluster's network, AUTH and TLS on, protected like
// every other holder of data (memorystore.ts)...
const memorystore =
  memorystoreConfig === undefined
    ? undefined
    : createMemorystore(
        {
          project: config.gcpProject,
          clusterLocation: config.clusterLocation,
          clusterName: config.clusterName,
          config: memorystoreConfig,
        },
        // enableRequiredApis registered the Memorystore API for redis=memorystore.
        { ...dataProtection, dependsOn: [apis['redis.googleapis.com']!] },
      );

// ...then the Secret in it (with the stack's jwtSecret, or one generated once and kept in the state,
// and the in-cluster Redis' password or Memorystore's rediss:// URL and CA; a preview without the
// secrets keeps what the stack holds)...
const secrets = config.secrets;
const configuredJwtSecret = secrets.kind === 'configured' ? secrets.jwtSecret : undefined;
// Declared in a preview too, so that the preview of a stack with a generated secret shows no change.
const appJwtSecret = jwtSecretOrGenerated(configuredJwtSecret);
const secretData =
  secrets.kind === 'configured'
    ? // readStackConfig requires redisPassword whenever Redis is in the cluster.
      appSecretData(appJwtSecret, memorystore ?? secrets.redisPassword!)
    : previewStandInData(config.redis);
const secret = createAppSecret(
  { name: appSecretName, namespace: config.namespace, data: secretData, keepStoredData: secrets.kind === 'preview' },
  { provider, dependsOn: [namespace] },
);
const secretChecksum = secrets.kind === 'configured' ? secretChecksumOf(secretData) : pulumi.output(secrets.checksum);

// ...then Redis, the worker and the web server, synthesized with the pushed digest (a new image is a
// new pod template, so it rolls out) and the Secret's checksum (a rotated Secret rolls the pods too),
// waiting until all are ready.
const workloadYaml = pulumi.all([digestRef, secretChecksum]).apply(([image, checksum]) => {
  const { workloadYaml } = renderManifests(config, image, edgeConfig);
  return withPodAnnotations(workloadYaml, { [secretChecksumAnnotation]: checksum });
});
const app = applyManifests('app', {
  yaml: workloadYaml,
  provider,
  timeoutMinutes: config.rolloutTimeoutMinutes,
  // The Ingress names the global IP, which must exist before the load balancer is built.
  dependsOn: [secret, ...(edge.address ? [edge.address] : [])],
});

const urls = edgeUrls(edgeConfig, edge, loadBalancerAddress(app.resources, config.namespace, 'web'));

// Cloud Monitoring: with monitoring=gmp the alert policies and dashboard of infra/monitoring/promql.ts;
// always the uptime check of /health; with alertEmail the channel they notify (monitoring.ts).
const monitoring = createMonitoring(
  {
    project: config.gcpProject,
    namespace: config.namespace,
    collectMetrics: config.monitoring === 'gmp',
    alerting,
    uptime: uptimeTarget(edgeConfig, urls.loadBalancerIp),
  },
  { dependsOn: [apis['monitoring.googleapis.com']] },
);

/** The address clients reach: the `web` Service's external IP, or with edge=ingress the global IP. */
export const loadBalancerIp = urls.loadBalancerIp;
/** The deployed image, by digest. */
export const imageRef = digestRef;
/** The API's and the page's base: `https://DOMAIN` with edge=ingress, else `http://IP`. */
export const appUrl = urls.appUrl;
/** Whether that image is pinned by a rollback (`imageDigestOverride`) rather than built from this commit. */
export const imagePinned = config.imageDigestOverride !== undefined;
/** The Secret's checksum (not secret); a preview without the secrets shows the workloads against it. */
export const appSecretChecksum = secretChecksum;
/** Liveness URL of the deployment. */
export const healthUrl = urls.healthUrl;
/** WebSocket progress URL (`wss://` with edge=ingress); replace {job_id} with a job's id. */
export const websocketUrl = urls.websocketUrl;
/**
 * The generated token-signing secret (absent when the stack config sets `jwtSecret`), for `npm run
 * token`/`verify` and deploy's own verification: `pulumi stack output jwtSecret --show-secrets`.
 */
export const jwtSecret = configuredJwtSecret === undefined ? appJwtSecret : undefined;
/** The id of the uptime check of /health (Cloud Monitoring, Uptime checks). */
export const uptimeCheckId = monitoring.uptimeCheck.uptimeCheckId;
/** The alert policies' resource names (`projects/…/alertPolicies/…`), for `gcloud alpha monitoring policies describe`. */
export const alertPolicies = pulumi.all(
  [...monitoring.alertPolicies, monitoring.uptimeAlert].map((policy) => policy.name),
);
/** With redis=memorystore: the instance id, for `gcloud redis instances describe … --region …`. */
export const memorystoreInstance = memorystore?.instance.name;
