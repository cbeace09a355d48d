/**
 * Chart `edge` (only with `edge: 'ingress'`): HTTPS and WSS for a public domain through GKE's external
 * Application Load Balancer. Ingress `web` on a reserved global IP, a Google-managed certificate for
 * the domain, a FrontendConfig that redirects HTTP to HTTPS, a BackendConfig that keeps WebSockets
 * alive (the load balancer ends every WebSocket at the backend service timeout, 30 s unless set: a
 * lifetime, not an idle time), and a NetworkPolicy that admits the load balancer to the web pods.
 */
import type { IBackendConfig } from '@kubernetes-models/gke/cloud.google.com/v1';
import type { IManagedCertificate } from '@kubernetes-models/gke/networking.gke.io/v1';
import type { IFrontendConfig } from '@kubernetes-models/gke/networking.gke.io/v1beta1';
import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { edgeObjectName, googleFrontEndRanges } from './google-edge.js';
import { partOf, selectorLabels, workloadNames } from './labels.js';
import type { SessionAffinity } from './options.js';
import { webContainerPort, webShutdownTimeoutMs } from './web-chart.js';

/** Props of {@link EdgeChart}. */
export interface EdgeChartProps {
  /** Namespace of every object. */
  readonly namespace: string;
  /** The public host name: the Ingress host and the certificate's only domain. */
  readonly domain: string;
  /** Name of the reserved global static IP (`kubernetes.io/ingress.global-static-ip-name`). */
  readonly staticIpName: string;
  /** `ClientIP` pins a client to one pod at the load balancer (`CLIENT_IP`), where it applies behind a NEG. */
  readonly sessionAffinity: SessionAffinity;
}

/**
 * The backend service timeout: how long one WebSocket may live. A watch lasts at most a job's run
 * (`JOB_TIMEOUT_MS`, 15 min) plus its wait in the queue; an hour covers that with margin, and a
 * page whose socket is cut anyway reconnects and loses nothing (contract, WebSocket point 7).
 */
export const edgeBackendTimeoutSeconds = 3600;

/**
 * How long the load balancer lets a removed pod finish its connections: no longer than the pod's own
 * WebSocket drain after SIGTERM, so the load balancer never waits on a pod that has already closed.
 */
export const edgeDrainingTimeoutSeconds = webShutdownTimeoutMs / 1000;

/** The health check the load balancer runs against each pod, as its readiness probe does. */
export const edgeHealthCheckPath = '/ready';

export class EdgeChart extends Chart {
  constructor(scope: Construct, id: string, props: EdgeChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    const metadata = { name: edgeObjectName, labels: edgeLabels() };
    new k8s.KubeIngress(this, 'ingress', {
      metadata: {
        ...metadata,
        annotations: {
          // GKE's own controller; it takes the class from this annotation, not from spec.ingressClassName.
          'kubernetes.io/ingress.class': 'gce',
          'kubernetes.io/ingress.global-static-ip-name': props.staticIpName,
          'networking.gke.io/managed-certificates': edgeObjectName,
          'networking.gke.io/v1beta1.FrontendConfig': edgeObjectName,
        },
      },
      spec: {
        rules: [
          {
            host: props.domain,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: workloadNames.web, port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    this.gkeObject<IManagedCertificate>({
      apiVersion: 'networking.gke.io/v1',
      kind: 'ManagedCertificate',
      metadata,
      spec: { domains: [props.domain] },
    });
    this.gkeObject<IBackendConfig>({
      apiVersion: 'cloud.google.com/v1',
      kind: 'BackendConfig',
      metadata,
      spec: backendConfigSpec(props.sessionAffinity),
    });
    this.gkeObject<IFrontendConfig>({
      apiVersion: 'networking.gke.io/v1beta1',
      kind: 'FrontendConfig',
      metadata,
      spec: { redirectToHttps: { enabled: true } },
    });
    new k8s.KubeNetworkPolicy(this, 'network-policy', { metadata, spec: webNetworkPolicySpec() });
  }

  /** A GKE custom object, typed by @kubernetes-models/gke so a misspelt field fails to compile. */
  private gkeObject<T extends { apiVersion: string; kind: string; metadata?: object; spec?: object }>(
    object: T,
  ): ApiObject {
    return new ApiObject(this, object.kind.toLowerCase(), object);
  }
}

function edgeLabels(): Record<string, string> {
  return {
    'app.kubernetes.io/name': workloadNames.web,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

function backendConfigSpec(sessionAffinity: SessionAffinity): NonNullable<IBackendConfig['spec']> {
  return {
    timeoutSec: edgeBackendTimeoutSeconds,
    connectionDraining: { drainingTimeoutSec: edgeDrainingTimeoutSeconds },
    // The NEG targets pod IPs, so the check goes to the container port itself.
    healthCheck: {
      type: 'HTTP',
      requestPath: edgeHealthCheckPath,
      port: webContainerPort,
      checkIntervalSec: 5,
      timeoutSec: 3,
      healthyThreshold: 1,
      unhealthyThreshold: 2,
    },
    // Behind a NEG the Service's own sessionAffinity is not used; the backend service's is.
    ...(sessionAffinity === 'ClientIP' ? { sessionAffinity: { affinityType: 'CLIENT_IP' } } : {}),
  };
}

/**
 * The web pods accept connections on their port only from Google's front ends and health checks
 * (the public path), and from Google Managed Prometheus' collectors in `gmp-system` (metrics).
 * The kubelet's own probes come from the node and are not subject to NetworkPolicy on GKE.
 */
function webNetworkPolicySpec(): k8s.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: selectorLabels('web') },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [
          ...googleFrontEndRanges.map((cidr) => ({ ipBlock: { cidr } })),
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } } },
        ],
        ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(webContainerPort) }],
      },
    ],
  };
}
