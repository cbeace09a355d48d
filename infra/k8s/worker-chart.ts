/**
 * Chart `rq-worker`: the CSV job worker's Deployment. It serves no API, so it has no Service; its only
 * port is the Prometheus listener (`metrics`), which the monitoring chart's PodMonitoring scrapes.
 * The name is the old Python RQ worker's, kept so existing dashboards and runbooks keep working.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { CONFIG_DEFAULTS } from '../../app/config.js';
import {
  appCommands,
  appDeploymentProps,
  appWorkingDir,
  commonAppEnv,
  imagePullPolicyFor,
  redisTlsVolume,
  redisTlsVolumeMount,
  type CommonAppSettings,
  tmpVolumeMount,
  valueEnv,
} from './app-workload.js';
import { addAutoscaling } from './autoscaling.js';
import { workloadNames } from './labels.js';
import { toResourceRequirements, type ContainerBudget } from './resources.js';
import { appUserId, containerSecurityContext } from './security.js';

/** Props of {@link WorkerChart}. */
export interface WorkerChartProps extends CommonAppSettings {
  /** Namespace of every object. */
  readonly namespace: string;
  /** Image of the worker container. */
  readonly image: string;
  /** `spec.replicas`, written even when 1; the autoscaler's minimum when {@link maxReplicas} is above 1. */
  readonly replicas: number;
  /**
   * Above 1: a HorizontalPodAutoscaler from {@link replicas} to this, a PodDisruptionBudget, pods
   * spread over nodes and zones, and no `spec.replicas` (autoscaling.ts). Removing a worker is cheap
   * (its running jobs go back to the queue and another worker resumes them), so Kubernetes' default
   * scale-down behaviour applies.
   * @default 1
   */
  readonly maxReplicas?: number;
  /** `WORKER_CONCURRENCY`: jobs at once, as the sizing arithmetic allows for `resources`. */
  readonly workerConcurrency: number;
  /** Requests and limits (infra/k8s/sizing.ts). */
  readonly resources: ContainerBudget;
}

/** The app's defaults, written out so the manifest shows how the worker runs. */
export const workerRowDelayMs = CONFIG_DEFAULTS.rowDelayMs;
/** The longest one attempt of a job may run. */
export const workerJobTimeoutMs = CONFIG_DEFAULTS.jobTimeoutMs;

/**
 * On SIGTERM the worker lets its running job finish for up to `SHUTDOWN_TIMEOUT_MS`, then stops it; a
 * job it did not finish is resumed by another worker. Rows take milliseconds, so 10 s is plenty.
 */
export const workerShutdownTimeoutMs = CONFIG_DEFAULTS.shutdownTimeoutMs;

/** `WORKER_METRICS_PORT`: the worker's `/metrics` listener, container port `metrics`. */
export const workerMetricsPort = CONFIG_DEFAULTS.workerMetricsPort;

/** Longer than {@link workerShutdownTimeoutMs}, so the worker stops by itself before the SIGKILL. */
export const workerTerminationGracePeriodSeconds = 30;

/** Deployment `rq-worker`. */
export class WorkerChart extends Chart {
  constructor(scope: Construct, id: string, props: WorkerChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    const maxReplicas = props.maxReplicas ?? 1;
    new k8s.KubeDeployment(
      this,
      'deployment',
      appDeploymentProps({
        name: workloadNames.worker,
        replicas: props.replicas,
        autoscaled: maxReplicas > 1,
        container: workerContainer(props),
        terminationGracePeriodSeconds: workerTerminationGracePeriodSeconds,
        ...(props.externalRedis ? { volumes: [redisTlsVolume(props.secretName)] } : {}),
      }),
    );
    if (maxReplicas > 1) {
      addAutoscaling(this, {
        name: workloadNames.worker,
        minReplicas: props.replicas,
        maxReplicas,
        budget: props.resources,
      });
    }
  }
}

function workerContainer(props: WorkerChartProps): k8s.Container {
  return {
    name: workloadNames.worker,
    image: props.image,
    imagePullPolicy: imagePullPolicyFor(props.image),
    workingDir: appWorkingDir,
    command: [...appCommands.worker],
    ports: [{ name: 'metrics', containerPort: workerMetricsPort, protocol: 'TCP' }],
    env: [
      valueEnv('ROW_DELAY_MS', String(workerRowDelayMs)),
      valueEnv('JOB_TIMEOUT_MS', String(workerJobTimeoutMs)),
      valueEnv('SHUTDOWN_TIMEOUT_MS', String(workerShutdownTimeoutMs)),
      valueEnv('WORKER_METRICS_PORT', String(workerMetricsPort)),
      valueEnv('WORKER_CONCURRENCY', String(props.workerConcurrency)),
      ...commonAppEnv(props),
    ],
    resources: toResourceRequirements(props.resources),
    securityContext: containerSecurityContext(appUserId),
    volumeMounts: [tmpVolumeMount(), ...(props.externalRedis ? [redisTlsVolumeMount()] : [])],
  };
}
