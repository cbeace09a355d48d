/**
 * What an app Deployment gets when it may run more than one pod (`WEB_MAX_REPLICAS` /
 * `WORKER_MAX_REPLICAS` above 1): a HorizontalPodAutoscaler (`autoscaling/v2`) on CPU, a
 * PodDisruptionBudget, and a spread of the pods over nodes and zones. The Deployment then leaves
 * `spec.replicas` to the autoscaler, so an apply never resets what it decided.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { selectorLabels, workloadLabels, type WorkloadName } from './labels.js';
import type { ContainerBudget } from './resources.js';

/** Props of {@link addAutoscaling}. */
export interface AutoscalingProps {
  /** The Deployment; the HPA and the PDB take its name. */
  readonly name: WorkloadName;
  /** `minReplicas`: the replica setting (at least 1). */
  readonly minReplicas: number;
  /** `maxReplicas`: the max replica setting (above 1). */
  readonly maxReplicas: number;
  /** The container's budget: the CPU target is set against its request. */
  readonly budget: ContainerBudget;
  /**
   * How fast pods may be removed (the HPA's `behavior.scaleDown`).
   * @default Kubernetes' default (after 300 s of lower load, down to the recommendation at once)
   */
  readonly scaleDown?: k8s.HpaScalingRulesV2;
}

/**
 * The share of the CPU limit at which the average pod asks for another one. Requests are sized for a
 * pod at rest and the limit is several times higher, so the target, which the HPA reads as a share
 * of the *request*, is above 100 %: with 100m requested and 500m allowed, 40 % of the limit is 200 %
 * of the request. Scaling there leaves the time a new pod needs to start (the HPA looks every 15 s;
 * the web pod is ready in a few seconds) before the busy pods reach the limit and are throttled.
 */
export const autoscaleShareOfCpuLimit = 0.4;

/** `averageUtilization` (percent of the CPU request) for a container's budget. Pure. */
export function cpuUtilizationTarget(budget: ContainerBudget): number {
  return Math.round((millicores(budget.cpuLimit) / millicores(budget.cpuRequest)) * autoscaleShareOfCpuLimit * 100);
}

function millicores(quantity: string): number {
  const value = quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`not a CPU quantity: ${quantity}`);
  return value;
}

/** Adds HorizontalPodAutoscaler and PodDisruptionBudget `props.name` to `chart`. */
export function addAutoscaling(chart: Chart, props: AutoscalingProps): void {
  if (
    !Number.isInteger(props.minReplicas) ||
    props.minReplicas < 1 ||
    props.maxReplicas < props.minReplicas ||
    props.maxReplicas < 2
  ) {
    throw new Error(
      `addAutoscaling: ${props.name} needs 1 <= minReplicas <= maxReplicas and maxReplicas >= 2 (got ${props.minReplicas}, ${props.maxReplicas})`,
    );
  }
  const metadata = { name: props.name, labels: workloadLabels(props.name) };
  new k8s.KubeHorizontalPodAutoscalerV2(chart, 'autoscaler', {
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: cpuUtilizationTarget(props.budget) },
          },
        },
      ],
      ...(props.scaleDown === undefined ? {} : { behavior: { scaleDown: props.scaleDown } }),
    },
  });
  new k8s.KubePodDisruptionBudget(chart, 'disruption-budget', {
    metadata,
    spec: {
      // A node drain or upgrade takes one pod at a time; the others keep serving meanwhile.
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: selectorLabels(props.name) },
      // A pod that is not ready serves nothing: a drain may evict it even when the budget is spent.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

/**
 * Pods of one Deployment spread over zones and nodes, so one zone or node going away takes only its
 * share. `ScheduleAnyway`: a small cluster with one node or zone still schedules every pod.
 * `pod-template-hash` spreads a rollout's new pods among themselves.
 */
export function topologySpread(name: WorkloadName): k8s.TopologySpreadConstraint[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selectorLabels(name) },
    matchLabelKeys: ['pod-template-hash'],
  }));
}
