/**
 * Composes the charts into one cdk8s App from resolved options. No environment, no files: the
 * caller decides whether to synthesize to a string or to a directory.
 */
import { App, type Chart } from 'cdk8s';
import { EdgeChart } from './edge-chart.js';
import { MonitoringChart } from './monitoring-chart.js';
import { NamespaceChart } from './namespace-chart.js';
import { resolveManifestOptions, retainStorageClassName, sizingInputsOf, type ManifestOptions } from './options.js';
import { RedisChart } from './redis-chart.js';
import { budgetsFor } from './resources.js';
import { nodeOptionsFor } from './sizing.js';
import { WebChart } from './web-chart.js';
import { WorkerChart } from './worker-chart.js';

/**
 * Builds the App: charts `namespace` (with the Retain StorageClass for Redis's disk), `redis` (unless
 * Redis is external), `rq-worker`, `web`, `monitoring` with `monitoring: 'gmp'`, and `edge` with
 * `edge: 'ingress'`. The workload charts depend on the
 * namespace chart, so cdk8s numbers the files (`0000-namespace.k8s.yaml` first) and `kubectl apply -f
 * dist/` creates the Namespace before anything in it. Throws a `ManifestOptionsError` for bad options.
 */
export function buildManifestApp(options: ManifestOptions, outdir = 'dist'): App {
  const o = resolveManifestOptions(options);
  // Explicit, so cdk8s reads neither CDK8S_OUTDIR nor CDK8S_RECORD_CONSTRUCT_METADATA from the env.
  const app = new App({ outdir, recordConstructMetadata: false });
  const externalRedis = o.redis === 'external';
  // Without a configured class, Redis's disk gets the manifests' own Retain class (namespace-chart.ts);
  // an external Redis (Memorystore) has no disk here.
  const ownStorageClass =
    !externalRedis && o.redisStorageClass === undefined ? retainStorageClassName(o.namespace) : undefined;
  const namespace = new NamespaceChart(app, 'namespace', {
    namespace: o.namespace,
    ...(ownStorageClass === undefined ? {} : { retainStorageClass: ownStorageClass }),
  });
  // Every size comes from the sizing inputs, which resolveManifestOptions checked add up.
  const sizing = sizingInputsOf(o);
  const budgets = budgetsFor(sizing);
  const common = {
    secretName: o.secretName,
    logLevel: o.logLevel,
    jobRetentionSeconds: o.jobRetentionSeconds,
    ...(externalRedis ? { externalRedis } : {}),
  };
  const charts: Chart[] = [];
  // An external Redis has no workload here; only what serves it is left out.
  if (!externalRedis) {
    charts.push(
      new RedisChart(app, 'redis', {
        namespace: o.namespace,
        image: o.redisImage,
        secretName: o.secretName,
        storage: o.redisStorage,
        storageClass: o.redisStorageClass ?? ownStorageClass,
        maxMemoryMiB: sizing.redisMaxMemoryMiB,
        resources: budgets.redis,
      }),
    );
  }
  charts.push(
    new WorkerChart(app, 'rq-worker', {
      namespace: o.namespace,
      image: o.image,
      replicas: o.workerReplicas,
      ...(o.workerMaxReplicas > 1 ? { maxReplicas: o.workerMaxReplicas } : {}),
      ...common,
      nodeOptions: nodeOptionsFor(sizing.workerMemoryLimitMiB),
      workerConcurrency: o.workerConcurrency,
      resources: budgets.worker,
    }),
    new WebChart(app, 'web', {
      namespace: o.namespace,
      image: o.image,
      enableWebsocket: o.enableWebsocket,
      sessionAffinity: o.sessionAffinity,
      ...(o.sessionAffinity === 'ClientIP' ? { sessionAffinityTimeoutSeconds: o.sessionAffinityTimeoutSeconds } : {}),
      replicas: o.webReplicas,
      ...(o.webMaxReplicas > 1 ? { maxReplicas: o.webMaxReplicas } : {}),
      ...common,
      nodeOptions: nodeOptionsFor(sizing.webMemoryLimitMiB),
      maxUploadBytes: o.maxUploadBytes,
      uploadConcurrency: o.uploadConcurrency,
      resources: budgets.web,
      ...(o.edge === 'ingress' ? { edge: o.edge } : {}),
      ...(o.allowedOrigins.length > 0 ? { allowedOrigins: o.allowedOrigins } : {}),
    }),
  );
  if (o.monitoring === 'gmp') charts.push(new MonitoringChart(app, 'monitoring', { namespace: o.namespace }));
  if (o.edge === 'ingress' && o.domain !== undefined) {
    charts.push(
      new EdgeChart(app, 'edge', {
        namespace: o.namespace,
        domain: o.domain,
        staticIpName: o.staticIpName,
        sessionAffinity: o.sessionAffinity,
      }),
    );
  }
  for (const chart of charts) chart.addDependency(namespace);
  return app;
}
