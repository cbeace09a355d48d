import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeRecord, RecordLineDecoder } from '../../app/domain/record-lines.js';

describe('record lines', () => {
  it('give back every record, whatever the chunks the text arrives in', () => {
    const record = fc.array(
      fc.oneof(
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: fc.constantFrom('\\', '\t', '\n', '\r', 'a', '\\t', 'é') }),
      ),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), (records, cuts) => {
        const text = records.map(encodeRecord).join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const decoder = new RecordLineDecoder();
        const out: string[][] = [];
        let from = 0;
        for (const point of [...points, text.length]) {
          out.push(...decoder.push(text.slice(from, point)));
          from = point;
        }
        decoder.end();
        expect(out).toEqual(records);
      }),
      { numRuns: 1_000 },
    );
  });

  it('keep line breaks inside cells inside their record', () => {
    const decoder = new RecordLineDecoder();
    expect(decoder.push(encodeRecord(['a\nb', 'c\r\n']))).toEqual([['a\nb', 'c\r\n']]);
  });

  it('never store a field in more than twice its characters', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), (fields) => {
        const raw = fields.reduce((sum, f) => sum + f.length, 0);
        expect(encodeRecord(fields).length).toBeLessThanOrEqual(2 * raw + fields.length);
      }),
    );
  });

  it('refuse text that ends in the middle of a record', () => {
    const decoder = new RecordLineDecoder();
    decoder.push('a\tb');
    expect(decoder.pendingLength).toBe(3);
    expect(() => decoder.end()).toThrow(/middle of a record/);
  });
});
