/**
 * Test helpers over synthesized manifests: synthesize in-process, parse, and find objects by kind and
 * name. Objects are plain JSON (what `kubectl apply` would send); an object found by kind is typed as
 * that kind's kubernetes-models interface, so a test reads its fields with their real types.
 */
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import type { IBackendConfig } from '@kubernetes-models/gke/cloud.google.com/v1';
import type { IManagedCertificate } from '@kubernetes-models/gke/networking.gke.io/v1';
import type { IFrontendConfig } from '@kubernetes-models/gke/networking.gke.io/v1beta1';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IIngress, INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IStorageClass } from 'kubernetes-models/storage.k8s.io/v1';
import type { IContainer, IEnvVar, INamespace, IPodTemplateSpec, IService } from 'kubernetes-models/v1';
import type { PodMonitoringSpec } from '../../../../infra/k8s/monitoring-chart.js';
import { synthesizeManifests } from '../../../../infra/k8s/synthesize.js';
import { defaultManifestOptions, type ManifestOptions } from '../../../../infra/k8s/options.js';
import { parseManifestYaml } from '../../../../infra/k8s/validation/validate-manifests.js';

/** Any synthesized object: what every kind has, the rest unknown until the kind is known. */
export type KubeObject = { apiVersion: string; kind: string; metadata: IObjectMeta } & Record<string, unknown>;

/** PodMonitoring has no published model; its spec is the chart's own type. */
export interface IPodMonitoring {
  apiVersion: 'monitoring.googleapis.com/v1';
  kind: 'PodMonitoring';
  metadata?: IObjectMeta;
  spec: PodMonitoringSpec;
}

/** The model of each kind the synthesis writes. */
export interface KindModels {
  BackendConfig: IBackendConfig;
  Deployment: IDeployment;
  FrontendConfig: IFrontendConfig;
  HorizontalPodAutoscaler: IHorizontalPodAutoscaler;
  Ingress: IIngress;
  ManagedCertificate: IManagedCertificate;
  Namespace: INamespace;
  NetworkPolicy: INetworkPolicy;
  PodDisruptionBudget: IPodDisruptionBudget;
  PodMonitoring: IPodMonitoring;
  Service: IService;
  StatefulSet: IStatefulSet;
  StorageClass: IStorageClass;
}

/** A synthesized object of a known kind: its model, still a {@link KubeObject} for the validators. */
export type KubeModel<K extends keyof KindModels> = KindModels[K] & KubeObject;

/** Synthesizes `overrides` on top of the defaults and parses the YAML into objects. */
export function synthObjects(overrides: Partial<ManifestOptions> = {}): KubeObject[] {
  return parseObjects(synthesizeManifests({ ...defaultManifestOptions, ...overrides }));
}

/** The objects of a manifest YAML stream. */
export function parseObjects(yaml: string): KubeObject[] {
  return parseManifestYaml(yaml).map(asKubeObject);
}

/** Checks what every Kubernetes object has, so the rest of the helpers can rely on it. */
export function asKubeObject(value: Record<string, unknown>): KubeObject {
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof metadata !== 'object' || metadata === null) {
    throw new Error(`not a Kubernetes object (apiVersion, kind and metadata): ${JSON.stringify(value).slice(0, 200)}`);
  }
  return value as KubeObject;
}

/** The one object of `kind` named `name`; throws when there is none or more than one. */
export function findObject<K extends keyof KindModels>(
  objects: readonly KubeObject[],
  kind: K,
  name: string,
): KubeModel<K>;
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject;
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0]!;
}

/** Whether `object` is of `kind`, typed as that kind's model. */
export function isKind<K extends keyof KindModels>(object: KubeObject, kind: K): object is KubeModel<K> {
  return object.kind === kind;
}

/** The pod template of a workload (Deployment or StatefulSet, the kinds the synthesis writes); else undefined. */
export function podTemplateOf(object: KubeObject): IPodTemplateSpec | undefined {
  return isKind(object, 'Deployment') || isKind(object, 'StatefulSet') ? object.spec?.template : undefined;
}

/** A workload (Deployment, StatefulSet): what {@link onlyContainer} reads. */
export interface Workload {
  metadata?: IObjectMeta;
  spec?: { template: IPodTemplateSpec };
}

/** The only container of a workload's pod template. */
export function onlyContainer(workload: Workload): IContainer {
  const containers = workload.spec?.template.spec?.containers ?? [];
  if (containers.length !== 1)
    throw new Error(`expected one container in ${workload.metadata?.name}, found ${containers.length}`);
  return containers[0]!;
}

/** A container's env as name → entry (value or valueFrom). */
export function envByName(container: IContainer): Map<string, IEnvVar> {
  return new Map((container.env ?? []).map((e) => [e.name, e]));
}

/** A deep copy, for tests that break an object on purpose. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
