/**
 * Test helpers over synthesized manifests: synthesize in-process, parse, and find objects by kind and
 * name. Objects are plain JSON (what `kubectl apply` would send), typed loosely on purpose.
 */
import { synthesizeManifests } from '../../../../infra/k8s/synthesize.js';
import { defaultManifestOptions, type ManifestOptions } from '../../../../infra/k8s/options.js';
import { parseManifestYaml } from '../../../../infra/k8s/validation/validate-manifests.js';

export type KubeObject = Record<string, any>;

/** Synthesizes `overrides` on top of the defaults and parses the YAML into objects. */
export function synthObjects(overrides: Partial<ManifestOptions> = {}): KubeObject[] {
  return parseManifestYaml(synthesizeManifests({ ...defaultManifestOptions, ...overrides }));
}

/** The one object of `kind` named `name`; throws when there is none or more than one. */
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0]!;
}

/** The only container of a workload's pod template. */
export function onlyContainer(workload: KubeObject): KubeObject {
  const containers = workload.spec.template.spec.containers as KubeObject[];
  if (containers.length !== 1) throw new Error(`expected one container in ${workload.metadata.name}, found ${containers.length}`);
  return containers[0]!;
}

/** A container's env as name → entry (value or valueFrom). */
export function envByName(container: KubeObject): Map<string, KubeObject> {
  return new Map((container.env as KubeObject[]).map((e) => [e.name as string, e]));
}

/** A deep copy, for tests that break an object on purpose. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
