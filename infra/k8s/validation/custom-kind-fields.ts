/**
 * The strict unknown-field check for GKE's custom kinds (ManagedCertificate, BackendConfig,
 * FrontendConfig), which cdk8s-plus's Kubernetes type graph (strict-fields.ts) does not have. Their
 * shape comes from @kubernetes-models/gke — the TypeScript declarations generated from the same CRD
 * schemas as its validators — read with the TypeScript compiler, so `timeoutSecs` fails here as
 * `sessionAfinity` fails for a Service. Loaded only when such an object is checked. Kinds with no
 * published model (PodMonitoring) are checked against a schema of their own (pod-monitoring-schema.ts).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TS from 'typescript';
import { checkObjectSchema, type ObjectSchema } from './object-schema.js';
import { podMonitoringSchema } from './pod-monitoring-schema.js';

/** `apiVersion/kind` → the declaration file (inside @kubernetes-models/gke) and its interface. */
const customKinds: Record<string, { file: string; name: string }> = {
  'networking.gke.io/v1/ManagedCertificate': {
    file: 'networking.gke.io/v1/ManagedCertificate.d.ts',
    name: 'IManagedCertificate',
  },
  'cloud.google.com/v1/BackendConfig': { file: 'cloud.google.com/v1/BackendConfig.d.ts', name: 'IBackendConfig' },
  'networking.gke.io/v1beta1/FrontendConfig': {
    file: 'networking.gke.io/v1beta1/FrontendConfig.d.ts',
    name: 'IFrontendConfig',
  },
};

/** `apiVersion/kind` → the repository's own schema, for custom kinds no typed model covers. */
export const schemaKinds: Record<string, ObjectSchema> = {
  'monitoring.googleapis.com/v1/PodMonitoring': podMonitoringSchema,
};

/** Whether {@link checkCustomKindFields} knows `apiVersion`/`kind`. */
export function isCustomKind(apiVersion: unknown, kind: unknown): boolean {
  const gvk = `${String(apiVersion)}/${String(kind)}`;
  return gvk in customKinds || gvk in schemaKinds;
}

interface Declarations {
  readonly ts: typeof TS;
  readonly checker: TS.TypeChecker;
  readonly roots: Map<string, TS.Type>;
}

let cache: Declarations | undefined;

function declarations(): Declarations {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const ts = require('typescript') as typeof TS;
  const dir = dirname(require.resolve('@kubernetes-models/gke'));
  const files = Object.values(customKinds).map((k) => join(dir, k.file));
  const program = ts.createProgram(files, {
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  });
  const checker = program.getTypeChecker();
  const roots = new Map<string, TS.Type>();
  for (const [gvk, { file, name }] of Object.entries(customKinds)) {
    const source = program.getSourceFile(join(dir, file));
    const symbol = source && checker.getSymbolAtLocation(source)?.exports?.get(name as TS.__String);
    if (!symbol) throw new Error(`@kubernetes-models/gke: ${file} declares no ${name}`);
    roots.set(gvk, checker.getDeclaredTypeOfSymbol(symbol));
  }
  cache = { ts, checker, roots };
  return cache;
}

/**
 * Checks one custom object for fields its CRD does not have, at any depth, and for values of the
 * wrong JSON type. Problems read like strict-fields.ts': `where: path: unknown field "x" (not in ...)`.
 */
export function checkCustomKindFields(object: Record<string, unknown>, where: string): string[] {
  const gvk = `${String(object.apiVersion)}/${String(object.kind)}`;
  const schema = schemaKinds[gvk];
  if (schema) {
    return checkObjectSchema(object, schema)
      .filter((p) => p.kind === 'unknown')
      .map((p) => {
        const parent = p.path.includes('.') ? ` ${p.path.slice(0, p.path.lastIndexOf('.'))}` : '';
        return `${where}: ${p.path}: ${p.message} (not in ${String(object.kind)}${parent})`;
      });
  }
  const root = declarations().roots.get(gvk);
  if (!root)
    return [`${where}: no @kubernetes-models/gke type for ${String(object.apiVersion)} ${String(object.kind)}`];
  const problems: string[] = [];
  walk(object, root, '', String(object.kind), (path, message) =>
    problems.push(`${where}: ${path || '(root)'}: ${message}`),
  );
  return problems;
}

type Report = (path: string, message: string) => void;

function walk(value: unknown, type: TS.Type, path: string, owner: string, report: Report): void {
  const { ts, checker } = declarations();
  if (value === null || value === undefined) return;
  const members = (type.isUnion() ? type.types : [type]).filter(
    (t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)),
  );
  if (members.some((t) => t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) return;
  const scalar = members.find(
    (t) => t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike),
  );
  if (
    scalar !== undefined &&
    members.every((t) => t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike))
  ) {
    const expected = members.map((t) =>
      t.flags & ts.TypeFlags.StringLike ? 'string' : t.flags & ts.TypeFlags.NumberLike ? 'number' : 'boolean',
    );
    if (!expected.includes(typeof value as 'string'))
      report(path, `expected ${[...new Set(expected)].join(' or ')}, got ${describe(value)}`);
    return;
  }
  const objectType = members[0]!;
  if (checker.isArrayType(objectType)) {
    if (!Array.isArray(value)) return report(path, `expected an array, got ${describe(value)}`);
    const element = checker.getTypeArguments(objectType as TS.TypeReference)[0]!;
    value.forEach((item, i) => walk(item, element, `${path}[${i}]`, owner, report));
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value))
    return report(path, `expected an object, got ${describe(value)}`);
  const index = checker.getIndexInfoOfType(objectType, ts.IndexKind.String);
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const property = objectType.getProperty(key);
    if (property) walk(child, checker.getTypeOfSymbol(property), childPath, owner, report);
    else if (index) walk(child, index.type, childPath, owner, report);
    else report(childPath, `unknown field "${key}" (not in ${owner}${path ? ` ${path}` : ''})`);
  }
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}
