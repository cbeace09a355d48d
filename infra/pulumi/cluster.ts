/**
 * Access to the existing GKE cluster: its endpoint and CA from `gcp.container.getCluster`, and the
 * user's own gcloud credentials through the `gke-gcloud-auth-plugin` exec plugin, which is how kubectl
 * authenticates to GKE since 1.26 (no token or key is ever stored in the stack).
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
    clusters: [{ name, cluster: { server: `https://${cluster.endpoint}`, 'certificate-authority-data': cluster.caCertificate } }],
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: gkeAuthPlugin,
            installHint: `Install ${gkeAuthPlugin}: gcloud components install ${gkeAuthPlugin} (see docs/pulumi.md)`,
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

/** A Kubernetes provider for the existing GKE cluster `args`; every Kubernetes object uses it. */
export function gkeProvider(args: GkeClusterArgs): k8s.Provider {
  const cluster = gcp.container.getClusterOutput({
    project: args.project,
    location: args.location,
    name: args.clusterName,
  });
  const kubeconfig = pulumi
    .all([cluster.endpoint, cluster.masterAuths])
    .apply(([endpoint, masterAuths]) => {
      const caCertificate = masterAuths[0]?.clusterCaCertificate;
      if (!endpoint || !caCertificate) {
        throw new Error(`GKE cluster ${args.clusterName} in ${args.location} reported no endpoint or CA certificate`);
      }
      return gkeKubeconfig({
        contextName: `gke_${args.project}_${args.location}_${args.clusterName}`,
        endpoint,
        caCertificate,
      });
    });
  return new k8s.Provider('gke', { kubeconfig });
}
