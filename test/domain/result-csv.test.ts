import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { buildResultCsv, neutralizeFormula } from '../../app/domain/result-csv.js';

describe('result CSV', () => {
  it('adds the personalized_line column to every row', () => {
    const csv = buildResultCsv({ header: ['name'], rows: [['Ada'], ['Grace, H']] }, ['line 1', 'line "2"']);
    expect(parse(csv)).toEqual([['name', 'personalized_line'], ['Ada', 'line 1'], ['Grace, H', 'line "2"']]);
  });

  it('neutralises cells that spreadsheets would run as formulas', () => {
    for (const cell of ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(A1)', '\tx']) {
      expect(neutralizeFormula(cell)).toBe(`'${cell}`);
    }
    expect(neutralizeFormula('plain')).toBe('plain');
    const csv = buildResultCsv({ header: ['=cmd'], rows: [['=1+1']] }, ['ok']);
    expect(parse(csv)).toEqual([["'=cmd", 'personalized_line'], ["'=1+1", 'ok']]);
  });
});
