/**
 * Chart `namespace`: the cluster-level objects every other chart relies on — the Namespace every other
 * object lives in and, unless another class is configured, the StorageClass of Redis's disk. Neither
 * is namespaced, so this chart sets no namespace.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { partOf } from './labels.js';

/** Props of {@link NamespaceChart}. */
export interface NamespaceChartProps {
  /** Name of the Namespace. */
  readonly namespace: string;
  /**
   * Create a StorageClass of this name with `reclaimPolicy: Retain` (see {@link retainStorageClass}).
   * @default undefined (none)
   */
  readonly retainStorageClass?: string;
}

/**
 * The GKE Persistent Disk CSI driver, the provisioner of GKE's own `standard-rwo` class; the disk type
 * is the same (`pd-balanced`). Only the reclaim policy differs.
 */
export const gkeDiskProvisioner = 'pd.csi.storage.gke.io';

/**
 * The Namespace, with Pod Security Admission enforcing the "restricted" profile: the cluster itself
 * then refuses any pod of ours that loses its non-root user, seccomp profile or dropped capabilities.
 */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, props: NamespaceChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: props.namespace,
        labels: {
          'app.kubernetes.io/part-of': partOf,
          'app.kubernetes.io/managed-by': 'cdk8s',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    });
    if (props.retainStorageClass !== undefined)
      new k8s.KubeStorageClass(this, 'storage-class', retainStorageClass(props.retainStorageClass));
  }
}

/**
 * A StorageClass whose volumes outlive their claims. With GKE's default `Delete`, deleting the claim
 * `data-redis-0` (which deleting the Namespace does) deletes the disk and every job with it; with
 * `Retain` the PersistentVolume turns `Released` and the disk stays, to be bound again (see the
 * runbook's restore path). `WaitForFirstConsumer` creates the disk in the zone the pod lands in.
 */
export function retainStorageClass(name: string): k8s.KubeStorageClassProps {
  return {
    metadata: { name, labels: { 'app.kubernetes.io/part-of': partOf, 'app.kubernetes.io/managed-by': 'cdk8s' } },
    provisioner: gkeDiskProvisioner,
    parameters: { type: 'pd-balanced' },
    reclaimPolicy: 'Retain',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  };
}
