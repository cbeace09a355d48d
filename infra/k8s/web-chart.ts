/**
 * Chart `web`: the HTTP/WebSocket server's Deployment and its Service — a LoadBalancer, or with
 * `edge: 'ingress'` a ClusterIP Service that GKE's Ingress (edge-chart.ts) reaches through a NEG.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { RECONNECT_POLICY } from '../../app/domain/wire-contract.js';
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
import { edgeServiceAnnotations, edgeTrustProxy } from './google-edge.js';
import { selectorLabels, workloadLabels, workloadNames } from './labels.js';
import { toResourceRequirements, type ContainerBudget } from './resources.js';
import { appUserId, containerSecurityContext } from './security.js';
import { defaultSessionAffinityTimeoutSeconds, type Edge, type SessionAffinity } from './options.js';

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
  /** `spec.replicas`, written even when 1; the autoscaler's minimum when {@link maxReplicas} is above 1. */
  readonly replicas: number;
  /**
   * Above 1: a HorizontalPodAutoscaler from {@link replicas} to this, a PodDisruptionBudget, pods
   * spread over nodes and zones, and no `spec.replicas` (autoscaling.ts).
   * @default 1
   */
  readonly maxReplicas?: number;
  /**
   * `loadbalancer`: Service type LoadBalancer. `ingress`: type ClusterIP with the NEG and
   * BackendConfig annotations, and the container trusts Google's front ends as proxies.
   * @default 'loadbalancer'
   */
  readonly edge?: Edge;
  /**
   * `ALLOWED_ORIGINS` of the container; empty writes no variable (same origin only).
   * @default []
   */
  readonly allowedOrigins?: readonly string[];
  /** `MAX_UPLOAD_BYTES`: the largest upload. */
  readonly maxUploadBytes: number;
  /** `UPLOAD_CONCURRENCY`: uploads at once, as the sizing arithmetic allows for `resources`. */
  readonly uploadConcurrency: number;
  /** Requests and limits (infra/k8s/sizing.ts). */
  readonly resources: ContainerBudget;
}

/** The container port (the app's default `PORT`, set explicitly); Service `web` maps port 80 to it. */
export const webContainerPort = CONFIG_DEFAULTS.port;

/** How long the web server drains WebSockets after SIGTERM (`SHUTDOWN_TIMEOUT_MS`, the app's default). */
export const webShutdownTimeoutMs = CONFIG_DEFAULTS.shutdownTimeoutMs;

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

/**
 * When autoscaled, the HPA removes at most one web pod per this many seconds, so scale-down never
 * moves WebSockets faster than one pod's drain spreads them:
 * - a removed pod pauses 5 s (preStop), then closes its sockets with `1001` spread over
 *   WS_DRAIN_WINDOW_MS (2 s); each client reconnects after a full-jitter delay below the first
 *   backoff ceiling (3 s): its wave of reconnects is over 5 + 2 + 3 = 10 s after removal began;
 * - at worst the pod hangs and is killed at the end of its grace period (30 s), cutting what is left
 *   (1006), and those clients are back within one backoff ceiling: 30 + 3 = 33 s;
 * - the next pod may start draining after that, and its own closes take the drain window: 33 + 2 = 35 s.
 * So one pod is draining at a time, and its reconnects have landed before the next pod's start.
 * (With EDGE=ingress the load balancer's connection draining, 10 s after the 5 s pause, ends within
 * the same 30 s.)
 */
export const webScaleDownPeriodSeconds =
  webTerminationGracePeriodSeconds +
  Math.ceil((RECONNECT_POLICY.backoffBaseMs + CONFIG_DEFAULTS.wsDrainWindowMs) / 1000);

/** The web HPA's `behavior.scaleDown`: one pod per {@link webScaleDownPeriodSeconds}, after 5 min of lower load. */
export const webScaleDown: k8s.HpaScalingRulesV2 = {
  stabilizationWindowSeconds: 300,
  policies: [{ type: 'Pods', value: 1, periodSeconds: webScaleDownPeriodSeconds }],
};

/** Deployment `web` and Service `web`. */
export class WebChart extends Chart {
  constructor(scope: Construct, id: string, props: WebChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    if (props.sessionAffinity === 'None' && props.sessionAffinityTimeoutSeconds !== undefined) {
      throw new Error('WebChart: sessionAffinityTimeoutSeconds applies only with sessionAffinity "ClientIP"');
    }
    const maxReplicas = props.maxReplicas ?? 1;
    new k8s.KubeDeployment(
      this,
      'deployment',
      appDeploymentProps({
        name: workloadNames.web,
        replicas: props.replicas,
        autoscaled: maxReplicas > 1,
        container: webContainer(props),
        terminationGracePeriodSeconds: webTerminationGracePeriodSeconds,
        ...(props.externalRedis ? { volumes: [redisTlsVolume(props.secretName)] } : {}),
      }),
    );
    if (maxReplicas > 1) {
      addAutoscaling(this, {
        name: workloadNames.web,
        minReplicas: props.replicas,
        maxReplicas,
        budget: props.resources,
        scaleDown: webScaleDown,
      });
    }
    const behindIngress = props.edge === 'ingress';
    new k8s.KubeService(this, 'service', {
      metadata: {
        name: workloadNames.web,
        labels: workloadLabels('web'),
        ...(behindIngress ? { annotations: edgeServiceAnnotations() } : {}),
      },
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
      ...(props.edge === 'ingress' ? [valueEnv('TRUST_PROXY', edgeTrustProxy)] : []),
      ...((props.allowedOrigins ?? []).length > 0
        ? [valueEnv('ALLOWED_ORIGINS', (props.allowedOrigins ?? []).join(','))]
        : []),
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
    volumeMounts: [tmpVolumeMount(), ...(props.externalRedis ? [redisTlsVolumeMount()] : [])],
  };
}

function httpProbe(
  path: string,
  timing: Pick<k8s.Probe, 'periodSeconds' | 'timeoutSeconds' | 'failureThreshold'>,
): k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromString('http'), scheme: 'HTTP' },
    ...timing,
    successThreshold: 1,
  };
}

function webServiceSpec(props: WebChartProps): k8s.ServiceSpec {
  const base: k8s.ServiceSpec = {
    type: props.edge === 'ingress' ? 'ClusterIP' : 'LoadBalancer',
    selector: selectorLabels('web'),
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: k8s.IntOrString.fromNumber(webContainerPort) }],
  };
  if (props.sessionAffinity === 'None') return { ...base, sessionAffinity: 'None' };
  return {
    ...base,
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: {
      clientIp: { timeoutSeconds: props.sessionAffinityTimeoutSeconds ?? defaultSessionAffinityTimeoutSeconds },
    },
  };
}
