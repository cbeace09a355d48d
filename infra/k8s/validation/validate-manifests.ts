/**
 * All offline checks of a synthesis in one call: the Kubernetes schema (kubernetes-models), the
 * strict unknown-field walk, and the house policy. `npm run synth` refuses to write output that
 * fails; the tests assert each part separately.
 */
import { parseAllDocuments } from 'yaml';
import { checkKubeSchema } from './kube-schema.js';
import { checkPolicy } from './policy.js';
import { checkUnknownFields } from './strict-fields.js';

/** Parses multi-document YAML into objects (empty documents dropped); throws on a YAML error. */
export function parseManifestYaml(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).flatMap((doc): Record<string, unknown>[] => {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return isObject(value) ? [value] : [];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Every problem of every object, each naming the object; empty when the synthesis is valid. */
export function validateManifestObjects(objects: readonly Record<string, unknown>[]): string[] {
  const perObject = objects.flatMap((object) => {
    const where = `${String(object.kind)} ${String((object.metadata as { name?: unknown } | undefined)?.name)}`;
    return [...checkKubeSchema(object, where), ...checkUnknownFields(object, where)];
  });
  return [...perObject, ...checkPolicy(objects)];
}

/** {@link validateManifestObjects} for YAML text. */
export function validateManifestYaml(text: string): string[] {
  return validateManifestObjects(parseManifestYaml(text));
}
