/**
 * PodMonitoring (`monitoring.googleapis.com/v1`) as far as this repository uses it, transcribed from
 * the CRD's v1 schema in GoogleCloudPlatform/prometheus-engine
 * (charts/operator/crds/monitoring.googleapis.com_podmonitorings.yaml): no typed model of this kind
 * is published. Anything else is an unknown field here; to use another field of the CRD, add it
 * below with its type, from that file.
 */
import { durationMs, type ObjectSchema } from './object-schema.js';

const labelMap: ObjectSchema = { type: 'map', values: { type: 'string' } };
const duration: ObjectSchema = { type: 'string', format: 'duration' };

/** The ObjectMeta fields the charts write (the CRD leaves metadata to the API server's ObjectMeta). */
const metadata: ObjectSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    namespace: { type: 'string' },
    labels: labelMap,
    annotations: labelMap,
  },
};

/** `spec.endpoints[]`: ScrapeEndpoint. `port` and `interval` are required by the CRD. */
const scrapeEndpoint: ObjectSchema = {
  type: 'object',
  required: ['port', 'interval'],
  properties: {
    port: { type: 'int-or-string', minLength: 1 },
    path: { type: 'string' },
    scheme: { type: 'string', enum: ['http', 'https'] },
    interval: duration,
    timeout: duration,
  },
  rules: [
    (endpoint) => {
      // x-kubernetes-validations: "scrape timeout must not be greater than scrape interval".
      const timeout = typeof endpoint.timeout === 'string' ? durationMs(endpoint.timeout) : undefined;
      const interval = typeof endpoint.interval === 'string' ? durationMs(endpoint.interval) : undefined;
      return timeout !== undefined && interval !== undefined && timeout > interval
        ? `scrape timeout (${String(endpoint.timeout)}) must not be greater than scrape interval (${String(endpoint.interval)})`
        : undefined;
    },
  ],
};

/** `spec.selector`: a label selector; `matchExpressions` as in every Kubernetes selector. */
const selector: ObjectSchema = {
  type: 'object',
  properties: {
    matchLabels: labelMap,
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { type: 'string' },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

/** The whole object: `spec.endpoints` (1 to 10) and `spec.selector` are required by the CRD. */
export const podMonitoringSchema: ObjectSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { type: 'string', enum: ['monitoring.googleapis.com/v1'] },
    kind: { type: 'string', enum: ['PodMonitoring'] },
    metadata,
    spec: {
      type: 'object',
      required: ['endpoints', 'selector'],
      properties: {
        endpoints: { type: 'array', items: scrapeEndpoint, minItems: 1, maxItems: 10 },
        selector,
      },
    },
  },
};
