/**
 * Composes the charts into one cdk8s App from resolved options. No environment, no files: the
 * caller decides whether to synthesize to a string or to a directory.
 */
import { App } from 'cdk8s';
import { EdgeChart } from './edge-chart.js';
import { MonitoringChart } from './monitoring-chart.js';
import { NamespaceChart } from './namespace-chart.js';
import { resolveManifestOptions, retainStorageClassName, type ManifestOptions } from './options.js';
import { RedisChart } from './redis-chart.js';
import { WebChart } from './web-chart.js';
import { WorkerChart } from './worker-chart.js';

/**
 * Builds the App: charts `namespace` (with the StorageClass), `redis`, `rq-worker`, `web`, `monitoring`
 * with `monitoring: 'gmp'`, and `edge` with `edge: 'ingress'`. The workload charts depend on the
 * namespace chart, so cdk8s numbers the files (`0000-namespace.k8s.yaml` first) and `kubectl apply -f
 * dist/` creates the Namespace before anything in it. Throws a `ManifestOptionsError` for bad options.
 */
export function buildManifestApp(options: ManifestOptions, outdir = 'dist'): App {
  const o = resolveManifestOptions(options);
  // Explicit, so cdk8s reads neither CDK8S_OUTDIR nor CDK8S_RECORD_CONSTRUCT_METADATA from the env.
  const app = new App({ outdir, recordConstructMetadata: false });
  // Without a configured class, Redis's disk gets the manifests' own Retain class (namespace-chart.ts).
  const ownStorageClass = o.redisStorageClass === undefined ? retainStorageClassName(o.namespace) : undefined;
  const namespace = new NamespaceChart(app, 'namespace', {
    namespace: o.namespace,
    ...(ownStorageClass === undefined ? {} : { retainStorageClass: ownStorageClass }),
  });
  const charts = [
    new RedisChart(app, 'redis', {
      namespace: o.namespace,
      image: o.redisImage,
      secretName: o.secretName,
      storage: o.redisStorage,
      storageClass: o.redisStorageClass ?? ownStorageClass,
    }),
    new WorkerChart(app, 'rq-worker', {
      namespace: o.namespace,
      image: o.image,
      replicas: o.workerReplicas,
      secretName: o.secretName,
      logLevel: o.logLevel,
    }),
    new WebChart(app, 'web', {
      namespace: o.namespace,
      image: o.image,
      enableWebsocket: o.enableWebsocket,
      sessionAffinity: o.sessionAffinity,
      ...(o.sessionAffinity === 'ClientIP' ? { sessionAffinityTimeoutSeconds: o.sessionAffinityTimeoutSeconds } : {}),
      replicas: o.webReplicas,
      secretName: o.secretName,
      logLevel: o.logLevel,
      ...(o.edge === 'ingress' ? { edge: o.edge } : {}),
      ...(o.allowedOrigins.length > 0 ? { allowedOrigins: o.allowedOrigins } : {}),
    }),
  ];
  if (o.monitoring === 'gmp') charts.push(new MonitoringChart(app, 'monitoring', { namespace: o.namespace }));
  if (o.edge === 'ingress' && o.domain !== undefined) {
    charts.push(new EdgeChart(app, 'edge', {
      namespace: o.namespace,
      domain: o.domain,
      staticIpName: o.staticIpName,
      sessionAffinity: o.sessionAffinity,
    }));
  }
  for (const chart of charts) chart.addDependency(namespace);
  return app;
}
