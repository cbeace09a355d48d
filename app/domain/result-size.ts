/**
 * An upper bound of the result CSV's size, computed from what the upload validation already knows
 * (each record's raw byte length and the column count), so the web server can reserve storage for
 * the result before it answers `201`. Pure.
 *
 * Why the bound holds, per cell: csv-parse refuses a quote inside an unquoted field, so a cell whose
 * value has q quotes arrived quoted, in at least `length + q + 2` raw bytes; csv-stringify writes it in
 * at most `length + q + 2` bytes, plus one for the formula-neutralising `'`. A cell without quotes
 * arrived in at least `length` bytes and leaves in at most `length + 3`. So every cell grows by at
 * most 3 bytes. The personalised line is a fixed text (at most {@link LINE_TEMPLATE_BYTES}) around
 * values copied from distinct cells of the same row, so it is at most that text plus the row's raw
 * length, plus its quotes. test/domain/result-size.test.ts checks the bound against csv-stringify.
 */
import type { ColumnMap } from './personalize.js';
import { RESULT_COLUMN } from './result-csv.js';

/**
 * The most bytes `personalizeRow` adds around the values it copies (greeting, hook, closing: 116 in
 * its longest branch). test/domain/result-size.test.ts proves every branch stays under it.
 */
export const LINE_TEMPLATE_BYTES = 128;

/** Bytes a cell may grow by when written back: quotes around it and a formula-neutralising `'`. */
const CELL_GROWTH = 3;

/**
 * Result bytes for the header record: the header's cells (each may grow) and the result column.
 * @param rawBytes the record's length in the upload, delimiters included
 */
export function headerResultBound(rawBytes: number, columns: number): number {
  return rawBytes + CELL_GROWTH * columns + 2 + Buffer.byteLength(RESULT_COLUMN) + CELL_GROWTH;
}

/**
 * Result bytes for one data record: its cells (each may grow), a comma, the personalised line and
 * the record delimiter.
 * @param rawBytes the record's length in the upload, delimiters included
 * @param mapped the columns `personalizeRow` copies from (`mapColumns` of the header, or its indexes)
 */
export function rowResultBound(
  rawBytes: number,
  fields: readonly string[],
  mapped: ColumnMap | readonly number[],
): number {
  let line = LINE_TEMPLATE_BYTES + CELL_GROWTH;
  // Array.isArray does not narrow a readonly array, hence the annotation.
  const indexes: readonly number[] = Array.isArray(mapped)
    ? (mapped as readonly number[])
    : Object.values(mapped as ColumnMap);
  for (const index of indexes) {
    const value = fields[index] ?? '';
    line += Buffer.byteLength(value) + (value.includes('"') ? quoteCount(value) : 0);
  }
  return rawBytes + CELL_GROWTH * fields.length + 2 + line;
}

function quoteCount(value: string): number {
  let count = 0;
  for (let i = value.indexOf('"'); i >= 0; i = value.indexOf('"', i + 1)) count++;
  return count;
}
