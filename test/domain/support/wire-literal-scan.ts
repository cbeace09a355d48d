/**
 * Finds copies of the wire contract's values outside app/domain/wire-contract.ts: a close code, the
 * poll interval, the page size, the not-found text or the token subprotocol written as a literal.
 * Reads the TypeScript syntax tree, so comments (which may name a code to explain it) never count,
 * and a number counts only where it stands for the contract (a `1000` that is a close code, not a
 * millisecond conversion).
 */
import ts from 'typescript';
import * as contract from '../../../app/domain/wire-contract.js';

export interface WireLiteral {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Every close code the module names; 1000 also means "milliseconds per second", so it is judged by context. */
const CLOSE_CODES = new Set(
  Object.entries(contract).flatMap(([name, value]) =>
    name.startsWith('CLOSE_') && typeof value === 'number' ? [value] : [],
  ),
);
const CONTEXTUAL = contract.CLOSE_NORMAL;
const STRICT_CODES = [...CLOSE_CODES].filter((code) => code !== CONTEXTUAL);
const STRICT_CODE_TEXT = new RegExp(`\\b(${STRICT_CODES.join('|')})\\b`);
const NORMAL_TEXT = new RegExp(`\\b${CONTEXTUAL}\\b`);
const POLL_TEXT = new RegExp(`\\b${String(contract.POLL_INTERVAL_MS).replace(/\B(?=(\d{3})+$)/g, '_?')}\\b`);
// A bound of a range (`code >= 1007 && code <= 1014`, RFC 6455's table of sendable codes) is not a copy.
const RELATIONAL = new Set([
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/** Why a number literal copies the contract, or undefined when it is just a number. */
function numberProblem(node: ts.NumericLiteral): string | undefined {
  const value = Number(node.text.replace(/_/g, ''));
  const parent = node.parent;
  const context = parent.getText();
  if (ts.isBinaryExpression(parent) && RELATIONAL.has(parent.operatorToken.kind)) return undefined;
  if (STRICT_CODES.includes(value)) return 'close code';
  if (value === CONTEXTUAL) {
    const isClose =
      (ts.isCallExpression(parent) && /close/i.test(parent.expression.getText())) ||
      (ts.isBinaryExpression(parent) && EQUALITY.has(parent.operatorToken.kind) && /code/i.test(context)) ||
      (ts.isArrayLiteralExpression(parent) && /code/i.test(parent.parent.getText().slice(0, 40)));
    return isClose ? 'close code' : undefined;
  }
  if (value === contract.POLL_INTERVAL_MS && /poll/i.test(context)) return 'poll interval';
  if (value === contract.PAGE_SIZE && /limit|page.?size/i.test(context)) return 'page size';
  return undefined;
}

/** Why a string (or a piece of a template) copies the contract, or undefined. */
function textProblem(text: string): string | undefined {
  if (STRICT_CODE_TEXT.test(text) || (NORMAL_TEXT.test(text) && /clos/i.test(text))) return 'close code in text';
  if (/poll/i.test(text) && POLL_TEXT.test(text)) return 'poll interval in text';
  if (text.includes(contract.JOB_NOT_FOUND_MESSAGE.slice(0, 11))) return 'not-found text';
  if (text === contract.BEARER_SUBPROTOCOL) return 'token subprotocol';
  return undefined;
}

/** The contract's values written as literals in `source` (the text of `file`). */
export function findWireLiterals(file: string, source: string): WireLiteral[] {
  const kind = /\.(m?js|cjs)$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const found: WireLiteral[] = [];
  const visit = (node: ts.Node): void => {
    let problem: string | undefined;
    if (ts.isNumericLiteral(node)) problem = numberProblem(node);
    else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)) {
      problem = textProblem(node.text);
    }
    if (problem) {
      const line = tree.getLineAndCharacterOfPosition(node.getStart(tree)).line + 1;
      found.push({ file, line, text: `${problem}: ${node.parent.getText(tree).slice(0, 120)}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}
