/**
 * An evaluator for the part of GitHub Actions' expression syntax the workflows' `if:` conditions use,
 * with GitHub's semantics (https://docs.github.com/en/actions/reference/evaluate-expressions-in-workflows-and-actions):
 * literals (`'string'` with `''` for a quote, numbers, `true`, `false`, `null`), context paths
 * (`github.event.workflow_run.event`, `a['b']`), `!`, `==`, `!=`, `&&`, `||` and parentheses.
 * - A missing property is `null`.
 * - `==` compares strings ignoring case; values of different types are compared as numbers.
 * - `&&` and `||` answer one of their operands, like JavaScript; `if:` then asks whether it is truthy
 *   (`false`, `0`, `''` and `null` are falsy).
 * - An `if:` without `${{ }}` is an expression all the same.
 * Anything else (functions, `<`, `*` filters) is refused, so a condition the evaluator cannot read
 * faithfully fails the test instead of being guessed.
 */

export type Value = string | number | boolean | null | { readonly [key: string]: Value } | readonly Value[];

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'word'; value: string }
  | { kind: 'op'; value: '!' | '==' | '!=' | '&&' | '||' | '(' | ')' | '.' | '[' | ']' | ',' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const op = /^(==|!=|&&|\|\||[!().[\],])/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', value: op[0] as Extract<Token, { kind: 'op' }>['value'] });
      at += op[0].length;
      continue;
    }
    if (rest[0] === "'") {
      const string = /^'((?:[^']|'')*)'/.exec(rest);
      if (!string) throw new Error(`unterminated string at ${at} in: ${source}`);
      tokens.push({ kind: 'string', value: string[1]!.replaceAll("''", "'") });
      at += string[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      at += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][\w-]*/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', value: word[0] });
      at += word[0].length;
      continue;
    }
    throw new Error(`unsupported syntax at ${at} ("${rest.slice(0, 12)}") in: ${source}`);
  }
  return tokens;
}

/** Evaluates `expression` (with or without `${{ }}`) against `context`. */
export function evaluate(expression: string, context: Readonly<Record<string, Value>>): Value {
  const body = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(expression)?.[1] ?? expression;
  const tokens = tokenize(body);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const isOp = (value: string): boolean => peek()?.kind === 'op' && peek()!.value === value;
  const expect = (value: string): void => {
    if (!isOp(value)) throw new Error(`expected "${value}" at token ${at} in: ${body}`);
    at += 1;
  };

  // Precedence, loosest first: ||, &&, == and !=, !, then primaries.
  const or = (): Value => {
    let left = and();
    while (isOp('||')) {
      at += 1;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const and = (): Value => {
    let left = equality();
    while (isOp('&&')) {
      at += 1;
      const right = equality();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const equality = (): Value => {
    let left = unary();
    while (isOp('==') || isOp('!=')) {
      const negate = peek()!.value === '!=';
      at += 1;
      const equal = looselyEqual(left, unary());
      left = negate ? !equal : equal;
    }
    return left;
  };
  const unary = (): Value => {
    if (isOp('!')) {
      at += 1;
      return !truthy(unary());
    }
    return primary();
  };
  const primary = (): Value => {
    const token = peek();
    if (!token) throw new Error(`unexpected end of: ${body}`);
    at += 1;
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    if (token.kind === 'op' && token.value === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (token.kind !== 'word') throw new Error(`unexpected "${token.value}" in: ${body}`);
    if (token.value === 'true') return true;
    if (token.value === 'false') return false;
    if (token.value === 'null') return null;
    if (isOp('(')) throw new Error(`function ${token.value}() is not supported by this evaluator: ${body}`);
    let value: Value = context[token.value] ?? null;
    for (;;) {
      if (isOp('.')) {
        at += 1;
        const name = peek();
        if (name?.kind !== 'word') throw new Error(`expected a property name after "." in: ${body}`);
        at += 1;
        value = property(value, name.value);
      } else if (isOp('[')) {
        at += 1;
        const key = or();
        expect(']');
        if (typeof key === 'object' && key !== null)
          throw new Error(`expected a string or number index inside "[ ]" in: ${body}`);
        value = property(value, String(key));
      } else {
        return value;
      }
    }
  };

  const result = or();
  if (at !== tokens.length) throw new Error(`unexpected tokens after position ${at} in: ${body}`);
  return result;
}

/** Whether `if:` would run: the expression's value is truthy. */
export function conditionHolds(expression: string, context: Readonly<Record<string, Value>>): boolean {
  return truthy(evaluate(expression, context));
}

function property(value: Value, name: string): Value {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  // Property names are case-insensitive in GitHub's contexts too.
  const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : (value as Record<string, Value>)[key]!;
}

function truthy(value: Value): boolean {
  return !(value === false || value === 0 || value === '' || value === null || Number.isNaN(value));
}

function toNumber(value: Value): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value);
  return Number.NaN;
}

function looselyEqual(left: Value, right: Value): boolean {
  if (typeof left === 'string' && typeof right === 'string') return left.toLowerCase() === right.toLowerCase();
  if (typeof left === 'object' && left !== null) return left === right;
  if (typeof left === typeof right) return left === right;
  return toNumber(left) === toNumber(right);
}
