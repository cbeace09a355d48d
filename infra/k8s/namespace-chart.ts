/**
 * Chart `namespace`: the Namespace every other object lives in.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { partOf } from './labels.js';

/** Props of {@link NamespaceChart}. */
export interface NamespaceChartProps {
  /** Name of the Namespace. */
  readonly namespace: string;
}

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
  }
}
