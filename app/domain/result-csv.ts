/** Builds the result CSV: the input rows plus a `personalized_line` column. Pure. */
import { stringify } from 'csv-stringify/sync';
import type { CsvTable } from './csv-file.js';

export const RESULT_COLUMN = 'personalized_line';

// A cell that starts with one of these is run as a formula by spreadsheet programs (CSV injection,
// OWASP): prefixing a quote makes it plain text and keeps the visible value.
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function buildResultCsv(table: CsvTable, lines: readonly string[]): string {
  const records = [
    [...table.header, RESULT_COLUMN],
    ...table.rows.map((row, i) => [...row, lines[i] ?? '']),
  ].map((record) => record.map(neutralizeFormula));
  return stringify(records);
}
