/**
 * Composes the charts into one cdk8s App from resolved options. No environment, no files: the
 * caller decides whether to synthesize to a string or to a directory.
 */
import { App } from 'cdk8s';
import { NamespaceChart } from './namespace-chart.js';
import { resolveManifestOptions, sizingInputsOf, type ManifestOptions } from './options.js';
import { RedisChart } from './redis-chart.js';
import { budgetsFor } from './resources.js';
import { nodeOptionsFor } from './sizing.js';
import { WebChart } from './web-chart.js';
import { WorkerChart } from './worker-chart.js';

/**
 * Builds the App: charts `namespace`, `redis`, `rq-worker`, `web`. The workload charts depend on the
 * namespace chart, so cdk8s numbers the files (`0000-namespace.k8s.yaml` first) and `kubectl apply -f
 * dist/` creates the Namespace before anything in it. Throws a `ManifestOptionsError` for bad options.
 */
export function buildManifestApp(options: ManifestOptions, outdir = 'dist'): App {
  const o = resolveManifestOptions(options);
  // Explicit, so cdk8s reads neither CDK8S_OUTDIR nor CDK8S_RECORD_CONSTRUCT_METADATA from the env.
  const app = new App({ outdir, recordConstructMetadata: false });
  const namespace = new NamespaceChart(app, 'namespace', { namespace: o.namespace });
  // Every size comes from the sizing inputs, which resolveManifestOptions checked add up.
  const sizing = sizingInputsOf(o);
  const budgets = budgetsFor(sizing);
  const common = { secretName: o.secretName, logLevel: o.logLevel, jobRetentionSeconds: o.jobRetentionSeconds };
  const charts = [
    new RedisChart(app, 'redis', {
      namespace: o.namespace,
      image: o.redisImage,
      secretName: o.secretName,
      storage: o.redisStorage,
      ...(o.redisStorageClass === undefined ? {} : { storageClass: o.redisStorageClass }),
      maxMemoryMiB: sizing.redisMaxMemoryMiB,
      resources: budgets.redis,
    }),
    new WorkerChart(app, 'rq-worker', {
      namespace: o.namespace,
      image: o.image,
      replicas: o.workerReplicas,
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
      ...common,
      nodeOptions: nodeOptionsFor(sizing.webMemoryLimitMiB),
      maxUploadBytes: o.maxUploadBytes,
      uploadConcurrency: o.uploadConcurrency,
      resources: budgets.web,
    }),
  ];
  for (const chart of charts) chart.addDependency(namespace);
  return app;
}
