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

// csv-stringify's default quoting: a field with a quote, a comma or a line break is quoted.
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * The CSV text of some result records, exactly as csv-stringify writes them with its defaults
 * (test/domain/result-csv.test.ts compares the two on generated records), in a fraction of its time:
 * the worker writes 50,000 records per job. No state is kept between records, so text built in
 * batches joins into exactly the text of the whole file.
 */
export function serializeRecords(records: readonly (readonly string[])[]): string {
  let text = '';
  for (const record of records) {
    for (let i = 0; i < record.length; i++) {
      const cell = record[i]!;
      if (i > 0) text += ',';
      text += NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
    }
    text += '\n';
  }
  return text;
}

export function buildResultCsv(table: CsvTable, lines: readonly string[]): string {
  return stringify([resultHeader(table.header), ...table.rows.map((row, i) => resultRecord(row, lines[i] ?? ''))]);
}
