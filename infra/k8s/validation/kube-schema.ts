/**
 * Validation of each object against the Kubernetes OpenAPI schema as compiled by kubernetes-models
 * (types, enums, required fields, formats), and GKE's custom kinds against their CRD schemas as
 * compiled by @kubernetes-models/gke, and kinds with no published model against the repository's own
 * schema (custom-kind-fields.ts). It does not reject unknown fields: see strict-fields.ts.
 */
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { BackendConfig } from '@kubernetes-models/gke/cloud.google.com/v1';
import { ManagedCertificate } from '@kubernetes-models/gke/networking.gke.io/v1';
import { FrontendConfig } from '@kubernetes-models/gke/networking.gke.io/v1beta1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1';
import { Namespace, Service } from 'kubernetes-models/v1';
import { schemaKinds } from './custom-kind-fields.js';
import { checkObjectSchema, type ObjectSchema } from './object-schema.js';

interface Validatable {
  validate(): void;
}

/** The kinds the manifests contain; a new kind must be added here before it can be synthesized. */
const models: Record<string, (data: object) => Validatable> = {
  'v1/Namespace': (data) => new Namespace(data),
  'v1/Service': (data) => new Service(data),
  'apps/v1/Deployment': (data) => new Deployment(data),
  'apps/v1/StatefulSet': (data) => new StatefulSet(data),
  'autoscaling/v2/HorizontalPodAutoscaler': (data) =>
    new HorizontalPodAutoscaler(data as ConstructorParameters<typeof HorizontalPodAutoscaler>[0]),
  'policy/v1/PodDisruptionBudget': (data) => new PodDisruptionBudget(data),
  'networking.k8s.io/v1/NetworkPolicy': (data) => new NetworkPolicy(data),
  'networking.k8s.io/v1/Ingress': (data) => new Ingress(data),
  'networking.gke.io/v1/ManagedCertificate': (data) => new ManagedCertificate(data),
  'cloud.google.com/v1/BackendConfig': (data) => new BackendConfig(data),
  'networking.gke.io/v1beta1/FrontendConfig': (data) => new FrontendConfig(data),
  'storage.k8s.io/v1/StorageClass': (data) => new StorageClass(data as ConstructorParameters<typeof StorageClass>[0]),
  ...Object.fromEntries(
    Object.entries(schemaKinds).map(([gvk, schema]) => [gvk, (data: object) => schemaModel(data, schema)]),
  ),
};

/** A kind checked against its own schema: types, required fields, enums and formats (unknown fields are strict-fields.ts'). */
function schemaModel(data: object, schema: ObjectSchema): Validatable {
  return {
    validate() {
      const problems = checkObjectSchema(data, schema).filter((p) => p.kind === 'schema');
      if (problems.length > 0) throw new Error(problems.map((p) => `${p.path} ${p.message}`).join(', '));
    },
  };
}

/** Validates one object; returns its problems (empty when valid), each prefixed with `where`. */
export function checkKubeSchema(object: Record<string, unknown>, where: string): string[] {
  const model = models[`${String(object.apiVersion)}/${String(object.kind)}`];
  if (!model)
    return [`${where}: no kubernetes-models schema registered for ${String(object.apiVersion)} ${String(object.kind)}`];
  try {
    model(object).validate();
    return [];
  } catch (error) {
    return [`${where}: ${error instanceof Error ? error.message : String(error)}`];
  }
}
