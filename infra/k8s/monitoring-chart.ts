/**
 * Chart `monitoring` (only with `monitoring: 'gmp'`): Google Cloud Managed Service for Prometheus'
 * managed collection scrapes both app workloads. PodMonitoring `web` and `rq-worker`
 * (`monitoring.googleapis.com/v1`) select the pods by their `app` label and scrape the named metrics
 * port; the collectors run in namespace `gmp-system`, so the worker's NetworkPolicy admits exactly
 * them (the web's port is open to its Service, and behind the Ingress its own policy admits them too).
 * The fields used are those of the CRD's v1 schema, checked offline in validation/pod-monitoring-schema.ts.
 */
import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { partOf, selectorLabels, workloadNames, type WorkloadName } from './labels.js';
import { webContainerPort } from './web-chart.js';
import { workerMetricsPort } from './worker-chart.js';

/** Props of {@link MonitoringChart}. */
export interface MonitoringChartProps {
  /** Namespace of every object. */
  readonly namespace: string;
}

/** The namespace GKE runs the managed collectors in. */
export const gmpCollectorNamespace = 'gmp-system';

/**
 * How often the collectors scrape. GMP's own examples use 30 s; the alert windows (5 to 15 min) hold
 * ten or more samples at this rate, and the PromQL alert conditions evaluate every 30 s.
 */
export const scrapeInterval = '30s';

/** Where each workload serves its metrics: the container port's name and the path. */
export const metricsEndpoints = {
  web: { portName: 'http', port: webContainerPort, path: '/metrics' },
  'rq-worker': { portName: 'metrics', port: workerMetricsPort, path: '/metrics' },
} as const satisfies Partial<Record<WorkloadName, { portName: string; port: number; path: string }>>;

/** The spec of a PodMonitoring, as far as this chart uses it (see the CRD schema file). */
export interface PodMonitoringSpec {
  readonly selector: { readonly matchLabels: Record<string, string> };
  readonly endpoints: readonly {
    readonly port: string;
    readonly path: string;
    readonly interval: string;
    readonly timeout: string;
  }[];
}

export class MonitoringChart extends Chart {
  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    for (const app of [workloadNames.web, workloadNames.worker] as const) {
      const endpoint = metricsEndpoints[app];
      const spec: PodMonitoringSpec = {
        selector: { matchLabels: selectorLabels(app) },
        // A timeout below the interval, as the CRD requires; a scrape answers in milliseconds.
        endpoints: [{ port: endpoint.portName, path: endpoint.path, interval: scrapeInterval, timeout: '10s' }],
      };
      new ApiObject(this, `pod-monitoring-${app}`, {
        apiVersion: 'monitoring.googleapis.com/v1',
        kind: 'PodMonitoring',
        metadata: { name: app, labels: monitoringLabels(app) },
        spec,
      });
    }
    new k8s.KubeNetworkPolicy(this, 'worker-network-policy', {
      metadata: { name: workloadNames.worker, labels: monitoringLabels(workloadNames.worker) },
      spec: workerNetworkPolicySpec(),
    });
  }
}

function monitoringLabels(app: WorkloadName): Record<string, string> {
  return {
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/**
 * The worker serves nothing but its metrics: only the collectors may connect, and only to that port.
 * (Its connections to Redis are egress, which this policy leaves alone.)
 */
function workerNetworkPolicySpec(): k8s.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: selectorLabels(workloadNames.worker) },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gmpCollectorNamespace } } }],
        ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(workerMetricsPort) }],
      },
    ],
  };
}
