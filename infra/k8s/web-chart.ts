/**
 * Chart `web`: the HTTP/WebSocket server's Deployment and its LoadBalancer Service.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import {
  appCommands,
  appDeploymentProps,
  appWorkingDir,
  commonAppEnv,
  imagePullPolicyFor,
  type CommonAppSettings,
  tmpVolumeMount,
  valueEnv,
} from './app-workload.js';
import { selectorLabels, workloadLabels, workloadNames } from './labels.js';
import { toResourceRequirements, type ContainerBudget } from './resources.js';
import { appUserId, containerSecurityContext } from './security.js';
import type { SessionAffinity } from './options.js';

/** Props of {@link WebChart}. */
export interface WebChartProps extends CommonAppSettings {
  /** Namespace of every object. */
  readonly namespace: string;
  /** Image of the web container. */
  readonly image: string;
  /** `ENABLE_WEBSOCKET` of the container. */
  readonly enableWebsocket: boolean;
  /** `sessionAffinity` of Service `web`. */
  readonly sessionAffinity: SessionAffinity;
  /**
   * `sessionAffinityConfig.clientIP.timeoutSeconds`; only with `sessionAffinity: 'ClientIP'`.
   * @default 10800
   */
  readonly sessionAffinityTimeoutSeconds?: number;
  /** `spec.replicas`, written even when 1. */
  readonly replicas: number;
  /** `MAX_UPLOAD_BYTES`: the largest upload. */
  readonly maxUploadBytes: number;
  /** `UPLOAD_CONCURRENCY`: uploads at once, as the sizing arithmetic allows for `resources`. */
  readonly uploadConcurrency: number;
  /** Requests and limits (infra/k8s/sizing.ts). */
  readonly resources: ContainerBudget;
}

/** The container port; Service `web` maps port 80 to it. */
export const webContainerPort = 8080;

/** How long the web server drains WebSockets after SIGTERM (`SHUTDOWN_TIMEOUT_MS`). */
export const webShutdownTimeoutMs = 10_000;

/**
 * Seconds the pod keeps serving after it is marked for deletion and before SIGTERM, so that
 * kube-proxy and the load balancer stop sending it new connections first.
 */
export const webPreStopPauseSeconds = 5;

/**
 * Kubernetes counts the grace period from the start of preStop: pause (5 s) + WebSocket drain (10 s)
 * + process exit, with margin; the contract allows the server 15 s after SIGTERM.
 */
export const webTerminationGracePeriodSeconds = 30;

/** Deployment `web` and Service `web`. */
export class WebChart extends Chart {
  constructor(scope: Construct, id: string, props: WebChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    if (props.sessionAffinity === 'None' && props.sessionAffinityTimeoutSeconds !== undefined) {
      throw new Error('WebChart: sessionAffinityTimeoutSeconds applies only with sessionAffinity "ClientIP"');
    }
    new k8s.KubeDeployment(this, 'deployment', appDeploymentProps({
      name: workloadNames.web,
      replicas: props.replicas,
      container: webContainer(props),
      terminationGracePeriodSeconds: webTerminationGracePeriodSeconds,
    }));
    new k8s.KubeService(this, 'service', {
      metadata: { name: workloadNames.web, labels: workloadLabels('web') },
      spec: webServiceSpec(props),
    });
  }
}

function webContainer(props: WebChartProps): k8s.Container {
  return {
    name: workloadNames.web,
    image: props.image,
    imagePullPolicy: imagePullPolicyFor(props.image),
    workingDir: appWorkingDir,
    command: [...appCommands.web],
    ports: [{ name: 'http', containerPort: webContainerPort, protocol: 'TCP' }],
    env: [
      valueEnv('PORT', String(webContainerPort)),
      valueEnv('ENABLE_WEBSOCKET', String(props.enableWebsocket)),
      valueEnv('SHUTDOWN_TIMEOUT_MS', String(webShutdownTimeoutMs)),
      valueEnv('MAX_UPLOAD_BYTES', String(props.maxUploadBytes)),
      valueEnv('UPLOAD_CONCURRENCY', String(props.uploadConcurrency)),
      ...commonAppEnv(props),
    ],
    // Up to 60 s to start (2 s × 30) before liveness takes over; /health does not need Redis, so a
    // Redis outage never restarts the web pod — it only takes it out of the Service via /ready.
    startupProbe: httpProbe('/health', { periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 }),
    livenessProbe: httpProbe('/health', { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
    readinessProbe: httpProbe('/ready', { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 }),
    // Node is the one program every app image has (no `sleep` in distroless images), and the
    // lifecycle `sleep` action needs Kubernetes 1.30+.
    lifecycle: {
      preStop: { exec: { command: ['node', '-e', `setTimeout(() => {}, ${webPreStopPauseSeconds * 1000})`] } },
    },
    resources: toResourceRequirements(props.resources),
    securityContext: containerSecurityContext(appUserId),
    volumeMounts: [tmpVolumeMount()],
  };
}

function httpProbe(path: string, timing: Pick<k8s.Probe, 'periodSeconds' | 'timeoutSeconds' | 'failureThreshold'>): k8s.Probe {
  return { httpGet: { path, port: k8s.IntOrString.fromString('http'), scheme: 'HTTP' }, ...timing, successThreshold: 1 };
}

function webServiceSpec(props: WebChartProps): k8s.ServiceSpec {
  const base: k8s.ServiceSpec = {
    type: 'LoadBalancer',
    selector: selectorLabels('web'),
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: k8s.IntOrString.fromNumber(webContainerPort) }],
  };
  if (props.sessionAffinity === 'None') return { ...base, sessionAffinity: 'None' };
  return {
    ...base,
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIp: { timeoutSeconds: props.sessionAffinityTimeoutSeconds ?? 10_800 } },
  };
}
