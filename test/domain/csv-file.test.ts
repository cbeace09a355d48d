import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CsvInspector, inspectCsv, type CsvSummary } from '../../app/domain/csv-file.js';
import { AppError } from '../../app/errors.js';
import { parseCsv } from './support/whole-file-csv.js';

const inspect = (text: string | Uint8Array, maxRows = 100) =>
  inspectCsv(typeof text === 'string' ? Buffer.from(text) : text, { maxRows });

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** Streams `bytes` through an inspector in the given chunk sizes (cycled). */
async function inspectInChunks(bytes: Buffer, sizes: readonly number[], maxRows: number): Promise<CsvSummary> {
  const inspector = new CsvInspector({ maxRows });
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    inspector.write(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return inspector.end();
}

/** The verdict as comparable data: the row count, or the error's code and message. */
async function verdictOf(run: () => Promise<{ rows: number }> | { rows: number }): Promise<unknown> {
  try {
    return { rows: (await run()).rows };
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    throw error;
  }
}

describe('CSV inspector', () => {
  it('counts the data rows and columns, with a BOM, CRLF and quoted fields', async () => {
    const summary = await inspect('\uFEFFname,company\r\n"Ada, Countess",Acme\r\n"Line\nbreak",B\r\n');
    expect(summary).toMatchObject({ rows: 2, columns: 2 });
  });

  it('skips blank lines', async () => {
    expect((await inspect('a,b\n\n1,2\n\n3,4\n')).rows).toBe(2);
  });

  it('names the line on which a record with an unclosed quote starts', async () => {
    const error = await errorOf(inspect('a,b\n1,2\n3,"4\n5,6\n'));
    expect(error.code).toBe('BAD_CSV');
    expect(error.message).toContain('line 3');
  });

  it('counts lines inside earlier multi-line records', async () => {
    expect((await errorOf(inspect('a,b\n"x\ny",2\n3,"4\n'))).message).toContain('line 4');
  });

  it('names the line of a row with the wrong number of fields', async () => {
    const error = await errorOf(inspect('a,b\n1,2\n3,4,5\n'));
    expect(error.code).toBe('BAD_CSV');
    expect(error.message).toContain('line 3');
  });

  it('refuses an empty file, a header-only file and binary data', async () => {
    expect((await errorOf(inspect(''))).code).toBe('EMPTY_FILE');
    expect((await errorOf(inspect('  \n\n'))).code).toBe('EMPTY_FILE');
    expect((await errorOf(inspect('a,b\n'))).code).toBe('NO_DATA_ROWS');
    expect((await errorOf(inspect(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0x00, 0xff, 0xfe])))).code).toBe('BAD_CSV');
    expect((await errorOf(inspect('a,b\n1,\u0000\n'))).message).toContain('line 2');
  });

  it('refuses more rows than the limit', async () => {
    const error = await errorOf(inspect('a\n1\n2\n3\n', 2));
    expect(error.code).toBe('TOO_MANY_ROWS');
    expect(error.httpStatus).toBe(422);
  });

  it('says it will refuse as soon as that is certain, before the end of the file', () => {
    const inspector = new CsvInspector({ maxRows: 100 });
    inspector.write(Buffer.from('a,b\n1,2\n'));
    expect(inspector.refused).toBe(false);
    // csv-parse holds back the last bytes of a chunk until the next one shows how the line ends.
    inspector.write(Buffer.from('3,4,5\n6,7\n'));
    expect(inspector.refused).toBe(true);
  });

  it('keeps about one record in memory: a 50,000-row file streamed in 64 KiB chunks', async () => {
    const lines = ['first_name,company,notes'];
    for (let i = 0; i < 50_000; i++) lines.push(`Person${i},Company ${i},"note, ${'x'.repeat(i % 180)}"`);
    const bytes = Buffer.from(`${lines.join('\r\n')}\r\n`);
    expect(bytes.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(await inspectInChunks(bytes, [65_536], 50_000)).toMatchObject({ rows: 50_000, columns: 3 });
    const broken = Buffer.concat([bytes, Buffer.from('x,"y\r\n')]);
    expect((await errorOf(inspectInChunks(broken, [65_536], 50_000))).message).toContain('line 50002');
  });

  // The streaming verdict must be the verdict of the whole-file reader it replaced, for any bytes cut
  // into any chunks: the same rows, or the same code and the same message (the same line number).
  const csvish = fc
    .array(fc.constantFrom('a', 'b', ',', '"', '""', '\n', '\r', '\r\n', ' ', '\uFEFF', '\u0000', 'é', '\t', '=x'), {
      maxLength: 60,
    })
    .map((parts) => Buffer.from(parts.join('')));
  const bytesArb = fc.oneof(
    csvish,
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc
      .tuple(fc.constantFrom('\uFEFF', '', '\uFEFF\uFEFF'), csvish)
      .map(([bom, rest]) => Buffer.concat([Buffer.from(bom), rest])),
  );

  it('gives exactly the whole-file verdict for any bytes in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytesArb,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 5 }),
        async (bytes, sizes, maxRows) => {
          const expected = await verdictOf(() => ({ rows: parseCsv(bytes, { maxRows }).rows.length }));
          expect(await verdictOf(() => inspectInChunks(bytes, sizes, maxRows))).toEqual(expected);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
