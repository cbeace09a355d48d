/**
 * `pulumi up`: build and push the image, then roll it out to the existing GKE cluster and wait until
 * it is ready. Safe to repeat: an unchanged build context builds nothing, an unchanged image digest
 * changes no pod. Replaces the original guide's manual docker build / docker push / kubectl apply /
 * kubectl rollout status. docs/pulumi.md says what to install and which config to set.
 */
import * as pulumi from '@pulumi/pulumi';
import { fileURLToPath } from 'node:url';
import { createAppSecret } from './app-secret.js';
import { gkeProvider } from './cluster.js';
import { readEdgeConfig, readStackConfig } from './config.js';
import { createEdge, edgeUrls } from './edge.js';
import { readCommitTag } from './git-commit.js';
import { buildAppImage, imageTags } from './image.js';
import { jwtSecretOrGenerated } from './jwt-secret.js';
import { appSecretName, renderManifests } from './manifests.js';
import { createMemorystore, readMemorystoreConfig } from './memorystore.js';
import { createGcrRepository, imageRepository, registryAccessToken } from './registry.js';
import { applyManifests, loadBalancerAddress } from './rollout.js';

// Pulumi runs the program from this folder; the build context is the project root.
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

const config = readStackConfig(() => readCommitTag(projectRoot));
const edgeConfig = readEdgeConfig();
const memorystoreConfig = config.redis === 'memorystore' ? readMemorystoreConfig() : undefined;
const repository = imageRepository(config.registry, config.gcpProject, config.imageName);
// The Namespace does not depend on the image, so it and the Secret need not wait for the build; and
// synthesizing now rejects bad manifest options before a multi-minute build rather than after it.
const { namespaceYaml } = renderManifests(config, config.imageDigestOverride ?? imageTags(repository, config.imageTag)[0]!, edgeConfig);

// With edge=ingress: the global IP the Ingress is given by name, and the domain's A record (edge.ts).
const edge = createEdge(edgeConfig, config.gcpProject);

// The Artifact Registry repository that serves gcr.io names (Container Registry no longer takes pushes).
const gcrRepository = config.createGcrRepository ? createGcrRepository(config.registry, config.gcpProject) : undefined;

// The image, built from the root Dockerfile and pushed as :<commit> and :latest; or, while the stack
// is pinned to an earlier image by `npm run rollback -- full`, that image, and nothing is built.
const digestRef = config.imageDigestOverride !== undefined
  ? pulumi.output(config.imageDigestOverride)
  : buildAppImage(
    {
      contextDir: projectRoot,
      repository,
      registry: config.registry,
      tag: config.imageTag,
      platform: config.platform,
      accessToken: registryAccessToken(),
    },
    { dependsOn: gcrRepository ? [gcrRepository] : [] },
  ).digestRef;

// The existing cluster, reached with the user's gcloud credentials.
const provider = gkeProvider({
  project: config.gcpProject,
  location: config.clusterLocation,
  clusterName: config.clusterName,
});

// First the Namespace (it is part of the charts' output)...
const namespace = applyManifests('namespace', {
  yaml: namespaceYaml,
  provider,
  timeoutMinutes: config.rolloutTimeoutMinutes,
});

// With redis=memorystore, a managed Redis on the cluster's network, AUTH and TLS on (memorystore.ts)...
const memorystore = memorystoreConfig === undefined ? undefined
  : createMemorystore({ project: config.gcpProject, clusterLocation: config.clusterLocation, clusterName: config.clusterName, config: memorystoreConfig });

// ...then the Secret in it (with the stack's jwtSecret, or one generated once and kept in the state,
// and the in-cluster Redis' password or Memorystore's rediss:// URL and CA)...
const appJwtSecret = jwtSecretOrGenerated(config.jwtSecret);
const secret = createAppSecret(
  // readStackConfig requires redisPassword whenever Redis is in the cluster.
  { name: appSecretName, namespace: config.namespace, jwtSecret: appJwtSecret, redis: memorystore ?? config.redisPassword! },
  { provider, dependsOn: [namespace] },
);

// ...then Redis, the worker and the web server, synthesized with the pushed digest (a new image is a
// new pod template, so it rolls out), waiting until all are ready.
const app = applyManifests('app', {
  yaml: digestRef.apply((image) => renderManifests(config, image, edgeConfig).workloadYaml),
  provider,
  timeoutMinutes: config.rolloutTimeoutMinutes,
  // The Ingress names the global IP, which must exist before the load balancer is built.
  dependsOn: [secret, ...(edge.address ? [edge.address] : [])],
});

const urls = edgeUrls(edgeConfig, edge, loadBalancerAddress(app.resources, config.namespace, 'web'));

/** The address clients reach: the `web` Service's external IP, or with edge=ingress the global IP. */
export const loadBalancerIp = urls.loadBalancerIp;
/** The deployed image, by digest. */
export const imageRef = digestRef;
/** The API's and the page's base: `https://DOMAIN` with edge=ingress, else `http://IP`. */
export const appUrl = urls.appUrl;
/** Liveness URL of the deployment. */
export const healthUrl = urls.healthUrl;
/** WebSocket progress URL (`wss://` with edge=ingress); replace {job_id} with a job's id. */
export const websocketUrl = urls.websocketUrl;
/**
 * The generated token-signing secret (absent when the stack config sets `jwtSecret`), for `npm run
 * token`/`verify` and deploy's own verification: `pulumi stack output jwtSecret --show-secrets`.
 */
export const jwtSecret = config.jwtSecret === undefined ? appJwtSecret : undefined;
/** With redis=memorystore: the instance id, for `gcloud redis instances describe … --region …`. */
export const memorystoreInstance = memorystore?.instance.name;
