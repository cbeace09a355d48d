/**
 * The reference for the streaming inspector: how the service read an upload when it held the whole
 * file in memory (csv-parse's sync API). test/domain/csv-file.test.ts checks that streaming any file
 * in any chunks gives exactly this verdict. Kept verbatim apart from its imports.
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../../../app/errors.js';

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface ParseCsvOptions {
  /** Most data rows accepted; one more answers `TOO_MANY_ROWS`. */
  readonly maxRows: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses `bytes` as a UTF-8 CSV with a header row. Throws {@link AppError} for anything unusable. */
export function parseCsv(bytes: Uint8Array, options: ParseCsvOptions): CsvTable {
  const text = decodeText(bytes);
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    throw new AppError(
      'EMPTY_FILE',
      'The file is empty. Upload a CSV file with a header row and at least one data row.',
    );
  }
  const records = parseRecords(text);
  const [header, ...rest] = records.filter((r) => !isBlank(r.fields));
  if (!header)
    throw new AppError(
      'EMPTY_FILE',
      'The file is empty. Upload a CSV file with a header row and at least one data row.',
    );
  const rows = rest;
  for (const row of rows) {
    if (row.fields.length !== header.fields.length) {
      throw new AppError(
        'BAD_CSV',
        `Malformed CSV at line ${row.startLine}: expected ${header.fields.length} fields like the header, found ${row.fields.length}. Fix that row and upload again.`,
      );
    }
  }
  if (rows.length === 0) {
    throw new AppError(
      'NO_DATA_ROWS',
      'The file has a header row but no data rows. Add at least one row and upload again.',
    );
  }
  if (rows.length > options.maxRows) {
    throw new AppError(
      'TOO_MANY_ROWS',
      `The file has ${rows.length} data rows; the limit is ${options.maxRows}. Split it into smaller files.`,
    );
  }
  return { header: header.fields, rows: rows.map((r) => r.fields) };
}

interface CsvRecord {
  readonly fields: string[];
  /** 1-based line on which the record starts (records may span lines inside quotes). */
  readonly startLine: number;
}

function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new AppError('BAD_CSV', 'The file is not UTF-8 text (line 1). Save it as a UTF-8 CSV file and upload again.');
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw new AppError('BAD_CSV', `The file contains binary data at line ${line}. Upload a plain-text CSV file.`);
  }
  return text;
}

function parseRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  // csv-parse's own `lines` counts a CRLF inside a quoted cell as two lines, so lines are counted
  // here from the byte offset where each record ends (`bytes`, UTF-8, as csv-parse reports it).
  const lineAt = lineCounter(Buffer.from(text, 'utf8'));
  let lastEndByte = 0;
  try {
    parse(text, {
      bom: true,
      relax_column_count: true,
      // Column counts are checked above against the header, so the message can name the line.
      on_record: (fields: string[], context: { bytes: number }) => {
        records.push({ fields, startLine: lineAt(lastEndByte) });
        lastEndByte = context.bytes;
        return null;
      },
    });
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/ at line \d+.*$|, got .*$| on line \d+.*$/s, '') : 'unreadable';
    throw new AppError(
      'BAD_CSV',
      `Malformed CSV at line ${lineAt(lastEndByte)}: ${reason}. Check the quotes in the record that starts on that line and upload again.`,
    );
  }
  return records;
}

/**
 * Answers the 1-based line at a byte offset; a line break is CRLF, LF or a lone CR. Offsets must not
 * decrease between calls (records come in order), so the whole file is scanned once.
 */
function lineCounter(bytes: Uint8Array): (offset: number) => number {
  let position = 0;
  let line = 1;
  return (offset) => {
    for (; position < offset && position < bytes.length; position++) {
      const byte = bytes[position];
      if (byte === 0x0a || (byte === 0x0d && bytes[position + 1] !== 0x0a)) line++;
    }
    return line;
  };
}

function isBlank(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0]?.trim() === '';
}
