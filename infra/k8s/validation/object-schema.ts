/**
 * A small subset of the OpenAPI v3 schemas CRDs publish, and a walker over it, for custom kinds that
 * no typed model covers (PodMonitoring). One walk answers two kinds of problems, kept apart so each
 * check of validate-manifests.ts reports its own: `schema` (type, required, enum, pattern, bounds,
 * duration format) and `unknown` (a field the schema does not list: the API server would prune it).
 */

export type ObjectSchema =
  | {
      readonly type: 'string';
      readonly enum?: readonly string[];
      readonly pattern?: RegExp;
      readonly minLength?: number;
      readonly format?: 'duration';
    }
  | { readonly type: 'integer' | 'boolean' }
  | { readonly type: 'int-or-string'; readonly minLength?: number }
  | { readonly type: 'array'; readonly items: ObjectSchema; readonly minItems?: number; readonly maxItems?: number }
  | { readonly type: 'map'; readonly values: ObjectSchema }
  | {
      readonly type: 'object';
      readonly properties: Readonly<Record<string, ObjectSchema>>;
      readonly required?: readonly string[];
      /** Cross-field rules (the CRD's x-kubernetes-validations); answer a problem or undefined. */
      readonly rules?: readonly ((value: Record<string, unknown>) => string | undefined)[];
    };

export interface SchemaProblem {
  readonly kind: 'schema' | 'unknown';
  /** The field's JSON path, `(root)` for the object itself. */
  readonly path: string;
  readonly message: string;
}

// Prometheus' duration syntax (github.com/prometheus/common model.ParseDuration), as the CRD's format.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1];

/** A Prometheus duration in milliseconds, or undefined when `text` is not one. */
export function durationMs(text: string): number | undefined {
  if (text === '0') return 0;
  const match = DURATION.exec(text);
  if (!match || text === '') return undefined;
  return match
    .slice(1)
    .reduce((total, part, i) => total + (part === undefined ? 0 : Number(part) * DURATION_MS[i]!), 0);
}

/** Every problem of `value` against `schema`, depth first, in field order. */
export function checkObjectSchema(value: unknown, schema: ObjectSchema, path = ''): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walk(value, schema, path, (kind, at, message) => problems.push({ kind, path: at || '(root)', message }));
  return problems;
}

type Report = (kind: SchemaProblem['kind'], path: string, message: string) => void;

function walk(value: unknown, schema: ObjectSchema, path: string, report: Report): void {
  const wrong = (expected: string): void => report('schema', path, `expected ${expected}, got ${describe(value)}`);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return wrong('a string');
      if (schema.enum && !schema.enum.includes(value))
        report('schema', path, `must be one of ${schema.enum.join(', ')}, got ${JSON.stringify(value)}`);
      if (schema.pattern && !schema.pattern.test(value))
        report('schema', path, `must match ${String(schema.pattern)}, got ${JSON.stringify(value)}`);
      if (schema.minLength !== undefined && value.length < schema.minLength)
        report('schema', path, `must have at least ${schema.minLength} characters`);
      if (schema.format === 'duration' && durationMs(value) === undefined)
        report('schema', path, `must be a Prometheus duration like 30s, got ${JSON.stringify(value)}`);
      return;
    case 'integer':
      return void (Number.isInteger(value) || wrong('an integer'));
    case 'boolean':
      return void (typeof value === 'boolean' || wrong('a boolean'));
    case 'int-or-string':
      if (Number.isInteger(value)) return;
      if (typeof value !== 'string') return wrong('an integer or a string');
      if (schema.minLength !== undefined && value.length < schema.minLength)
        report('schema', path, `must have at least ${schema.minLength} characters`);
      return;
    case 'array':
      if (!Array.isArray(value)) return wrong('an array');
      if (schema.minItems !== undefined && value.length < schema.minItems)
        report('schema', path, `must have at least ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        report('schema', path, `must have at most ${schema.maxItems} items`);
      value.forEach((item, i) => walk(item, schema.items, `${path}[${i}]`, report));
      return;
    case 'map':
      if (!isPlainObject(value)) return wrong('a map');
      for (const [key, item] of Object.entries(value)) walk(item, schema.values, `${path}.${key}`, report);
      return;
    case 'object':
      return walkObject(value, schema, path, report);
  }
}

function walkObject(
  value: unknown,
  schema: Extract<ObjectSchema, { type: 'object' }>,
  path: string,
  report: Report,
): void {
  if (!isPlainObject(value)) return report('schema', path, `expected an object, got ${describe(value)}`);
  for (const key of schema.required ?? []) {
    if (value[key] === undefined) report('schema', path ? `${path}.${key}` : key, 'is required');
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const childSchema = schema.properties[key];
    if (childSchema === undefined) report('unknown', childPath, `unknown field "${key}"`);
    else walk(child, childSchema, childPath, report);
  }
  for (const rule of schema.rules ?? []) {
    const problem = rule(value);
    if (problem !== undefined) report('schema', path, problem);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}
