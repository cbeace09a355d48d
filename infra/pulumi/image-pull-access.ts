/**
 * The nodes' right to pull the image. Nothing grants it by default any more: organizations created since
 * May 2024 no longer give the Compute Engine default account Editor, and GKE's least-privilege node
 * role (`roles/container.defaultNodeServiceAccount`) reads no registry, so pods would stay in
 * ImagePullBackOff until `pulumi up` times out. See GKE's "Configure GKE node service accounts"
 * (https://docs.cloud.google.com/kubernetes-engine/security/configure-node-service-accounts).
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { gcrRepositoryLocations, type GcrHost } from './registry.js';

/** The part of `gcp.container.getCluster`'s answer that says which account the nodes run as. */
export interface ClusterNodeAccounts {
  readonly enableAutopilot: boolean;
  readonly nodeConfigs: ReadonlyArray<{ readonly serviceAccount: string }>;
  readonly nodePools: ReadonlyArray<{ readonly nodeConfigs: ReadonlyArray<{ readonly serviceAccount: string }> }>;
  readonly clusterAutoscalings: ReadonlyArray<{
    readonly autoProvisioningDefaults: ReadonlyArray<{ readonly serviceAccount: string }>;
  }>;
}

/** The Compute Engine default service account, which GKE uses when a node pool names none (`default`). */
export function computeDefaultServiceAccount(projectNumber: string): string {
  return `${projectNumber}-compute@developer.gserviceaccount.com`;
}

/**
 * The service account the cluster's nodes pull images as: Autopilot's node auto-provisioning default,
 * else the first node pool's (what `gcloud container clusters describe --format='value(nodeConfig.serviceAccount)'`
 * shows for a Standard cluster). `default` or nothing means the Compute Engine default account. Pure.
 */
export function nodeServiceAccountOf(cluster: ClusterNodeAccounts, projectNumber: string): string {
  const named = cluster.enableAutopilot
    ? cluster.clusterAutoscalings[0]?.autoProvisioningDefaults[0]?.serviceAccount
    : (cluster.nodePools[0]?.nodeConfigs[0]?.serviceAccount ?? cluster.nodeConfigs[0]?.serviceAccount);
  return !named || named === 'default' ? computeDefaultServiceAccount(projectNumber) : named;
}

/** Arguments of {@link grantImagePull}. */
export interface ImagePullArgs {
  readonly project: string;
  /** The gcr.io host; its Artifact Registry repository is named after it. */
  readonly registry: GcrHost;
  /** The account's email. */
  readonly serviceAccount: pulumi.Input<string>;
}

/**
 * `roles/artifactregistry.reader` on the one repository (not the project) for the node account.
 * Non-authoritative (`RepositoryIamMember`): other readers of the repository are left as they are.
 */
export function grantImagePull(
  args: ImagePullArgs,
  opts?: pulumi.CustomResourceOptions,
): gcp.artifactregistry.RepositoryIamMember {
  return new gcp.artifactregistry.RepositoryIamMember(
    'nodes-pull-images',
    {
      project: args.project,
      location: gcrRepositoryLocations[args.registry],
      repository: args.registry,
      role: 'roles/artifactregistry.reader',
      member: pulumi.interpolate`serviceAccount:${args.serviceAccount}`,
    },
    opts,
  );
}
