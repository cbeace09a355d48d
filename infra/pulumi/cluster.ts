/**
 * Access to the existing GKE cluster: its endpoint and CA from `gcp.container.getCluster`, and the
 * user's own gcloud credentials through the `gke-gcloud-auth-plugin` exec plugin, which is how kubectl
 * authenticates to GKE since 1.26 (no token or key is ever stored in the stack). The provider keeps its
 * identity through credential and IP rotation, and takes fields back from other field managers.
 */
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { stringify } from 'yaml';

/** What a kubeconfig needs to know about a cluster. */
export interface ClusterEndpoint {
  /** The context name; gcloud's form is `gke_<project>_<location>_<cluster>`. */
  readonly contextName: string;
  /** The API server's address, without a scheme (as GKE reports it). */
  readonly endpoint: string;
  /** The cluster CA, base64-encoded PEM (as GKE reports it). */
  readonly caCertificate: string;
}

/** The exec credential plugin gcloud installs (`gcloud components install gke-gcloud-auth-plugin`). */
export const gkeAuthPlugin = 'gke-gcloud-auth-plugin';

/** Builds a kubeconfig (YAML) for `cluster` whose user runs {@link gkeAuthPlugin}. Pure. */
export function gkeKubeconfig(cluster: ClusterEndpoint): string {
  const name = cluster.contextName;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server: `https://${cluster.endpoint}`, 'certificate-authority-data': cluster.caCertificate } },
    ],
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: gkeAuthPlugin,
            installHint: `Install ${gkeAuthPlugin}: gcloud components install ${gkeAuthPlugin} (see docs/pulumi.md#what-you-need-on-your-machine)`,
            provideClusterInfo: true,
            interactiveMode: 'IfAvailable',
          },
        },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  });
}

/** Which cluster {@link gkeProvider} talks to. */
export interface GkeClusterArgs {
  readonly project: string;
  /** Region (regional cluster) or zone. */
  readonly location: string;
  readonly clusterName: string;
}

/** gcloud's name for the cluster, `gke_<project>_<location>_<cluster>`: the kubeconfig context and the provider's identity. */
export function gkeContextName(args: GkeClusterArgs): string {
  return `gke_${args.project}_${args.location}_${args.clusterName}`;
}

/** The existing cluster as the GKE API describes it (endpoint, CA, node pools and their service accounts). */
export function lookUpCluster(args: GkeClusterArgs): pulumi.Output<gcp.container.GetClusterResult> {
  return gcp.container.getClusterOutput({ project: args.project, location: args.location, name: args.clusterName });
}

/**
 * The Kubernetes provider's settings besides the kubeconfig. Pure, so tests and the deploy stand-ins
 * read the same values the program uses.
 * - `clusterIdentifier`: the provider is replaced (and with it every object, the Redis volume claim
 *   included) only when this changes. Without it the provider guesses from the kubeconfig, and GKE's
 *   credential or IP rotation changes the endpoint and CA; pulumi-kubernetes' DiffConfig ignores the
 *   endpoint once the identifier is set and unchanged (and adding it to an existing stack replaces nothing).
 * - `enableServerSideApply`: the default since provider v4, written out because the next two rely on it.
 * - `enablePatchForce`: apply with force, so a field another manager took (`kubectl set env` of the
 *   emergency rollback makes `kubectl-set` own `ENABLE_WEBSOCKET`) goes back to this program instead of
 *   failing the update with "Apply failed with 1 conflict". The program is the source of truth.
 * - `enableSecretMutable`: a changed Secret is updated in place instead of replaced (delete, then
 *   create); the Secret is protected, and a protected resource cannot be replaced.
 */
export function kubernetesProviderSettings(args: GkeClusterArgs) {
  return {
    clusterIdentifier: gkeContextName(args),
    enableServerSideApply: true,
    enablePatchForce: true,
    enableSecretMutable: true,
  } as const;
}

/** A Kubernetes provider for the existing GKE cluster `args`; every Kubernetes object uses it. */
export function gkeProvider(
  args: GkeClusterArgs,
  cluster: pulumi.Output<gcp.container.GetClusterResult>,
): k8s.Provider {
  const kubeconfig = pulumi.all([cluster.endpoint, cluster.masterAuths]).apply(([endpoint, masterAuths]) => {
    const caCertificate = masterAuths[0]?.clusterCaCertificate;
    if (!endpoint || !caCertificate) {
      throw new Error(`GKE cluster ${args.clusterName} in ${args.location} reported no endpoint or CA certificate`);
    }
    return gkeKubeconfig({ contextName: gkeContextName(args), endpoint, caCertificate });
  });
  return new k8s.Provider('gke', { kubeconfig, ...kubernetesProviderSettings(args) });
}
