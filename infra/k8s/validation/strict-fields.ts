/**
 * A strict unknown-field check. The API server silently prunes fields it does not know (and
 * kubernetes-models' compiled validators allow extra properties), so a misspelled `sessionAfinity`
 * would deploy as "no affinity" without a word. This walks every object against the Kubernetes 1.28
 * type graph that cdk8s-plus-28 ships in its jsii assembly (`.jsii`): every struct, every property,
 * and — in each property's `docs.custom.schema` — the property's exact JSON name.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { k8s } from 'cdk8s-plus-28';
import { checkCustomKindFields, isCustomKind } from './custom-kind-fields.js';

type TypeRef =
  | { primitive: 'string' | 'number' | 'boolean' | 'date' | 'any' | 'json' }
  | { collection: { kind: 'array' | 'map'; elementtype: TypeRef } }
  | { fqn: string }
  | { union: { types: TypeRef[] } };

interface JsiiProperty {
  name: string;
  type: TypeRef;
  docs?: { custom?: { schema?: string } };
}

interface JsiiType {
  fqn: string;
  kind: 'interface' | 'class' | 'enum';
  properties?: JsiiProperty[];
  interfaces?: string[];
}

/** Field name (as in JSON) → its type, per struct. */
type Struct = Map<string, TypeRef>;

let cache: { types: Record<string, JsiiType>; structs: Map<string, Struct>; roots: Map<string, string> } | undefined;

function schemaGraph(): NonNullable<typeof cache> {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('cdk8s-plus-28/package.json'));
  const assembly = JSON.parse(readFileSync(join(dir, '.jsii'), 'utf8')) as {
    name: string;
    types: Record<string, JsiiType>;
  };
  // Each generated L1 class `KubeX` carries its GVK; its props struct `KubeXProps` is the object's shape.
  const roots = new Map<string, string>();
  for (const [name, value] of Object.entries(k8s)) {
    const gvk = (value as { GVK?: { apiVersion: string; kind: string } }).GVK;
    if (gvk) roots.set(`${gvk.apiVersion}/${gvk.kind}`, `${assembly.name}.k8s.${name}Props`);
  }
  cache = { types: assembly.types, structs: new Map(), roots };
  return cache;
}

function structOf(fqn: string): Struct | undefined {
  const graph = schemaGraph();
  const known = graph.structs.get(fqn);
  if (known) return known;
  const type = graph.types[fqn];
  if (!type || type.kind !== 'interface') return undefined;
  const struct: Struct = new Map();
  for (const parent of type.interfaces ?? []) for (const [k, v] of structOf(parent) ?? []) struct.set(k, v);
  for (const property of type.properties ?? []) {
    const schema = property.docs?.custom?.schema;
    struct.set(schema?.includes('#') ? schema.slice(schema.indexOf('#') + 1) : property.name, property.type);
  }
  graph.structs.set(fqn, struct);
  return struct;
}

/**
 * Checks one object (`apiVersion` + `kind` + body) for fields that do not exist in its Kubernetes type,
 * at any depth, and for objects/arrays where the schema has the other. Returns problems, each naming
 * `where` and the JSON path of the field.
 */
export function checkUnknownFields(object: Record<string, unknown>, where: string): string[] {
  const root = schemaGraph().roots.get(`${String(object.apiVersion)}/${String(object.kind)}`);
  // GKE's custom kinds are not in the Kubernetes type graph; their CRDs' shapes come from elsewhere.
  if (!root && isCustomKind(object.apiVersion, object.kind)) return checkCustomKindFields(object, where);
  if (!root) return [`${where}: no Kubernetes 1.28 type for ${String(object.apiVersion)} ${String(object.kind)}`];
  const { apiVersion: _apiVersion, kind: _kind, ...body } = object;
  const problems: string[] = [];
  walk(body, { fqn: root }, '', (path, message) => problems.push(`${where}: ${path || '(root)'}: ${message}`));
  return problems;
}

type Report = (path: string, message: string) => void;

function walk(value: unknown, type: TypeRef, path: string, report: Report): void {
  if (value === null || value === undefined) return;
  if ('primitive' in type) {
    if (type.primitive === 'any' || type.primitive === 'json') return;
    const expected = type.primitive === 'date' ? 'string' : type.primitive;
    if (typeof value !== expected) report(path, `expected ${expected}, got ${describe(value)}`);
    return;
  }
  if ('union' in type) {
    // Unions here are IntOrString-like scalars; accept when any member's shape fits.
    if (!type.union.types.some((member) => fits(value, member))) report(path, `unexpected ${describe(value)}`);
    return;
  }
  if ('collection' in type) {
    walkCollection(value, type.collection, path, report);
    return;
  }
  const target = schemaGraph().types[type.fqn];
  // IntOrString and Quantity are classes that serialize to a string or a number; enums to a string.
  if (!target || target.kind !== 'interface') {
    if (typeof value !== 'string' && typeof value !== 'number')
      report(path, `expected a scalar, got ${describe(value)}`);
    return;
  }
  if (!isPlainObject(value)) {
    report(path, `expected an object, got ${describe(value)}`);
    return;
  }
  const struct = structOf(type.fqn) ?? new Map<string, TypeRef>();
  for (const [key, child] of Object.entries(value)) {
    const childType = struct.get(key);
    const childPath = path ? `${path}.${key}` : key;
    if (childType === undefined) report(childPath, `unknown field "${key}" (not in ${type.fqn.split('.').pop()})`);
    else walk(child, childType, childPath, report);
  }
}

function walkCollection(
  value: unknown,
  collection: { kind: 'array' | 'map'; elementtype: TypeRef },
  path: string,
  report: Report,
): void {
  if (collection.kind === 'array') {
    if (!Array.isArray(value)) return report(path, `expected an array, got ${describe(value)}`);
    value.forEach((item, i) => walk(item, collection.elementtype, `${path}[${i}]`, report));
    return;
  }
  if (!isPlainObject(value)) return report(path, `expected a map, got ${describe(value)}`);
  for (const [key, item] of Object.entries(value)) walk(item, collection.elementtype, `${path}.${key}`, report);
}

function fits(value: unknown, type: TypeRef): boolean {
  if ('primitive' in type)
    return type.primitive === 'any' || typeof value === (type.primitive === 'date' ? 'string' : type.primitive);
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}
