import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../app/domain/csv-file.js';
import { AppError } from '../../app/errors.js';

const parse = (text: string | Uint8Array, maxRows = 100) =>
  parseCsv(typeof text === 'string' ? Buffer.from(text) : text, { maxRows });

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseCsv', () => {
  it('reads a header and data rows, with a BOM, CRLF and quoted fields', () => {
    const table = parse('\uFEFFname,company\r\n"Ada, Countess",Acme\r\n"Line\nbreak",B\r\n');
    expect(table.header).toEqual(['name', 'company']);
    expect(table.rows).toEqual([['Ada, Countess', 'Acme'], ['Line\nbreak', 'B']]);
  });

  it('skips blank lines', () => {
    expect(parse('a,b\n\n1,2\n\n3,4\n').rows).toHaveLength(2);
  });

  it('names the line on which a record with an unclosed quote starts', () => {
    const error = errorOf(() => parse('a,b\n1,2\n3,"4\n5,6\n'));
    expect(error.code).toBe('BAD_CSV');
    expect(error.message).toContain('line 3');
  });

  it('counts lines inside earlier multi-line records', () => {
    const error = errorOf(() => parse('a,b\n"x\ny",2\n3,"4\n'));
    expect(error.message).toContain('line 4');
  });

  it('names the line of a row with the wrong number of fields', () => {
    const error = errorOf(() => parse('a,b\n1,2\n3,4,5\n'));
    expect(error.code).toBe('BAD_CSV');
    expect(error.message).toContain('line 3');
  });

  it('refuses an empty file, a header-only file and binary data', () => {
    expect(errorOf(() => parse('')).code).toBe('EMPTY_FILE');
    expect(errorOf(() => parse('  \n\n')).code).toBe('EMPTY_FILE');
    expect(errorOf(() => parse('a,b\n')).code).toBe('NO_DATA_ROWS');
    expect(errorOf(() => parse(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0x00, 0xff, 0xfe]))).code).toBe('BAD_CSV');
    expect(errorOf(() => parse('a,b\n1,\u0000\n')).message).toContain('line 2');
  });

  it('refuses more rows than the limit', () => {
    const error = errorOf(() => parse('a\n1\n2\n3\n', 2));
    expect(error.code).toBe('TOO_MANY_ROWS');
    expect(error.httpStatus).toBe(422);
  });
});
