import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inspectCsv } from '../../app/domain/csv-file.js';
import { mapColumns, personalizeRow } from '../../app/domain/personalize.js';
import { buildResultCsv } from '../../app/domain/result-csv.js';
import { LINE_TEMPLATE_BYTES } from '../../app/domain/result-size.js';
import { cellArbitrary, serialize, tableArbitrary } from '../../chaos/inputs/csv-cases.js';
import { parseCsv } from './support/whole-file-csv.js';

const KNOWN_COLUMNS = [
  'first_name',
  'name',
  'company',
  'organisation',
  'title',
  'role',
  'industry',
  'city',
  'location',
  'notes',
  'email',
];

describe('result size bound', () => {
  it('the personalised line adds at most LINE_TEMPLATE_BYTES around the mapped values it copies', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.constantFrom(...KNOWN_COLUMNS), { minLength: 1, maxLength: KNOWN_COLUMNS.length })
          .chain((header) =>
            fc.tuple(
              fc.constant(header),
              fc.array(fc.oneof(cellArbitrary(), fc.constantFrom('', ' ', 'Ada Lovelace')), {
                minLength: header.length,
                maxLength: header.length,
              }),
            ),
          ),
        ([header, row]) => {
          const mapped = mapColumns(header);
          const line = personalizeRow(row, mapped);
          const copied = Object.values(mapped).reduce((sum, index) => sum + Buffer.byteLength(row[index]!), 0);
          expect(Buffer.byteLength(line)).toBeLessThanOrEqual(LINE_TEMPLATE_BYTES + copied);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('is at least the size of the result CSV the worker writes, for any well-formed table', async () => {
    await fc.assert(
      fc.asyncProperty(tableArbitrary(20), fc.boolean(), async (table, named) => {
        const header = named ? table.header.map((h, i) => KNOWN_COLUMNS[i] ?? h) : table.header;
        const { text } = serialize(table, [header, ...table.rows]);
        const bytes = Buffer.from(text);
        const summary = await inspectCsv(bytes, { maxRows: 1_000 });
        const parsed = parseCsv(bytes, { maxRows: 1_000 });
        const columns = mapColumns(parsed.header);
        const result = buildResultCsv(
          parsed,
          parsed.rows.map((row) => personalizeRow(row, columns)),
        );
        expect(summary.resultBytesBound).toBeGreaterThanOrEqual(Buffer.byteLength(result));
      }),
      { numRuns: 500 },
    );
  });

  it('stays within 30 % of the real size for a realistic 50,000-row file', async () => {
    const lines = ['first_name,company,title,notes'];
    for (let i = 0; i < 50_000; i++) lines.push(`Person${i},Company ${i % 997},Engineer,${'note '.repeat(30)}`);
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    const summary = await inspectCsv(bytes, { maxRows: 50_000 });
    const parsed = parseCsv(bytes, { maxRows: 50_000 });
    const columns = mapColumns(parsed.header);
    const actual = Buffer.byteLength(
      buildResultCsv(
        parsed,
        parsed.rows.map((row) => personalizeRow(row, columns)),
      ),
    );
    expect(summary.resultBytesBound).toBeGreaterThanOrEqual(actual);
    // The reservation is what admission holds per job: a bound far above the real size would refuse
    // uploads the store has room for.
    expect(summary.resultBytesBound).toBeLessThan(1.3 * actual);
  });
});
