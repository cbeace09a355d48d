import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { buildResultCsv, neutralizeFormula, serializeRecords } from '../../app/domain/result-csv.js';
import { cellArbitrary } from '../../chaos/inputs/csv-cases.js';

describe('result CSV', () => {
  it('adds the personalized_line column to every row', () => {
    const csv = buildResultCsv({ header: ['name'], rows: [['Ada'], ['Grace, H']] }, ['line 1', 'line "2"']);
    expect(parse(csv)).toEqual([
      ['name', 'personalized_line'],
      ['Ada', 'line 1'],
      ['Grace, H', 'line "2"'],
    ]);
  });

  it('neutralises cells that spreadsheets would run as formulas', () => {
    for (const cell of ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tx']) {
      expect(neutralizeFormula(cell)).toBe(`'${cell}`);
    }
    expect(neutralizeFormula('plain')).toBe('plain');
    const csv = buildResultCsv({ header: ['=cmd'], rows: [['=1+1']] }, ['ok']);
    expect(parse(csv)).toEqual([
      ["'=cmd", 'personalized_line'],
      ["'=1+1", 'ok'],
    ]);
  });

  it('writes records exactly as csv-stringify does, batch by batch', () => {
    const record = fc.array(fc.oneof(cellArbitrary(), fc.string({ unit: 'binary' }), fc.constant('')), {
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.nat(), (records, cut) => {
        const at = cut % (records.length + 1);
        expect(serializeRecords(records.slice(0, at)) + serializeRecords(records.slice(at))).toBe(stringify(records));
      }),
      { numRuns: 2_000 },
    );
  });
});
