/** Builds the result CSV: the input rows plus a `personalized_line` column. Pure. */
import { stringify } from 'csv-stringify/sync';

export const RESULT_COLUMN = 'personalized_line';

/** A whole table in memory (tests; the worker streams records instead). */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

// A cell that starts with one of these is run as a formula by spreadsheet programs (CSV injection,
// OWASP): prefixing a quote makes it plain text and keeps the visible value.
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** The result's header record: the input's header and the result column, neutralised. */
export function resultHeader(header: readonly string[]): string[] {
  return [...header, RESULT_COLUMN].map(neutralizeFormula);
}

/** One result record: the row's cells and its personalised line, neutralised. */
export function resultRecord(row: readonly string[], line: string): string[] {
  const record = row.map(neutralizeFormula);
  record.push(neutralizeFormula(line));
  return record;
}

/**
 * The CSV text of some result records. csv-stringify keeps no state between records, so text built
 * in batches joins into exactly the text of the whole file.
 */
export function serializeRecords(records: readonly (readonly string[])[]): string {
  return stringify(records as string[][]);
}

export function buildResultCsv(table: CsvTable, lines: readonly string[]): string {
  return serializeRecords([resultHeader(table.header), ...table.rows.map((row, i) => resultRecord(row, lines[i] ?? ''))]);
}
