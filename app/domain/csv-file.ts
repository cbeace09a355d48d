/**
 * Validates an uploaded CSV as it streams in, chunk by chunk, and says precisely what is wrong with
 * it: not UTF-8, binary, empty, a quote that never closes (naming the line its record starts on), a
 * row with another field count than the header, no data rows, too many rows. Memory stays at about
 * one record whatever the file's size. Pure: bytes in, a summary or an {@link AppError} out.
 *
 * The answers are those of reading the whole file at once: every kind of problem is noted where it
 * is found and the verdict is given at the end, in this order of precedence: not UTF-8, binary data,
 * empty, malformed, wrong field count, no data rows, too many rows. So a caller reads the whole body
 * before answering, but stops storing it as soon as {@link CsvInspector.refused} says it will be refused.
 */
import { Parser, type InfoRecord } from 'csv-parse';
import { AppError } from '../errors.js';
import { BomStripper } from './bom.js';
import { LineCounter } from './line-counter.js';
import { mapColumns } from './personalize.js';
import { headerResultBound, rowResultBound } from './result-size.js';

export interface CsvSummary {
  /** Data rows (blank lines and the header not counted). */
  readonly rows: number;
  /** Fields in the header, and so in every row. */
  readonly columns: number;
  /** Most bytes the result CSV can have (see app/domain/result-size.ts). */
  readonly resultBytesBound: number;
}

export interface InspectCsvOptions {
  /** Most data rows accepted; one more answers `TOO_MANY_ROWS`. */
  readonly maxRows: number;
  /**
   * Told each record of the file as it is read (the header first; blank lines skipped), until the
   * file will certainly be refused: the records the worker is to process.
   */
  readonly onRecord?: (fields: string[]) => void;
}

const EMPTY_FILE = 'The file is empty. Upload a CSV file with a header row and at least one data row.';
const LF = 0x0a;

export class CsvInspector {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly bom = new BomStripper();
  private readonly lines = new LineCounter();
  private readonly parser: Parser;
  private notUtf8 = false;
  private hasText = false;
  /** Line breaks (LF) before the first NUL byte, while none was found. */
  private newlines = 0;
  private nulLine: number | undefined;
  private malformed: AppError | undefined;
  private wrongFieldCount: AppError | undefined;
  private columns: number | undefined;
  /** The columns `personalizeRow` copies from, by index. */
  private mapped: readonly number[] = [];
  private rows = 0;
  private resultBound = 0;
  /** Byte offset where the record being parsed starts. */
  private recordStart = 0;
  /** Bytes given to the parser so far. */
  private parsed = 0;

  constructor(private readonly options: InspectCsvOptions) {
    // Field counts are checked against the header here, so the message can name the line.
    this.parser = new Parser({
      bom: true,
      relax_column_count: true,
      on_record: (fields: string[], context: InfoRecord) => this.onRecord(fields, context),
    });
    // Errors are read from `parser.errored` right after each write; the event must not go unhandled.
    this.parser.on('error', () => undefined);
  }

  /** True once the upload will certainly be refused (the caller can stop storing it). */
  get refused(): boolean {
    return (
      this.notUtf8 ||
      this.nulLine !== undefined ||
      this.malformed !== undefined ||
      this.wrongFieldCount !== undefined ||
      this.rows > this.options.maxRows
    );
  }

  /** Bytes of the record being parsed so far (csv-parse holds it whole until it ends). */
  get pendingRecordBytes(): number {
    return this.parsed - this.recordStart;
  }

  /** Takes the next chunk of the file. Never throws: problems are kept for {@link end}. */
  write(chunk: Buffer): void {
    if (this.notUtf8) return;
    this.decode(chunk);
    if (this.notUtf8) return;
    this.findNul(chunk);
    // Past a NUL or a parse error the verdict can only still change to "not UTF-8".
    if (this.nulLine !== undefined || this.malformed !== undefined) return;
    const text = this.bom.strip(chunk);
    this.parsed += text.length;
    this.lines.append(text);
    // on_record runs synchronously inside write(), and a parse error sets `errored` at once.
    this.parser.write(text);
    this.noteParseError();
  }

  /** The verdict on the whole file: its summary, or the {@link AppError} a reader of the whole file gives. */
  async end(): Promise<CsvSummary> {
    if (!this.notUtf8) this.decode(undefined);
    if (!this.notUtf8 && this.nulLine === undefined && this.malformed === undefined) {
      this.parser.end(this.bom.rest());
      await new Promise<void>((resolve) => {
        if (this.parser.errored || this.parser.writableFinished) resolve();
        else this.parser.once('finish', resolve).once('error', () => resolve());
      });
      this.noteParseError();
    }
    return this.verdict();
  }

  private verdict(): CsvSummary {
    if (this.notUtf8)
      throw new AppError(
        'BAD_CSV',
        'The file is not UTF-8 text (line 1). Save it as a UTF-8 CSV file and upload again.',
      );
    if (this.nulLine !== undefined)
      throw new AppError(
        'BAD_CSV',
        `The file contains binary data at line ${this.nulLine}. Upload a plain-text CSV file.`,
      );
    if (!this.hasText) throw new AppError('EMPTY_FILE', EMPTY_FILE);
    if (this.malformed) throw this.malformed;
    if (this.columns === undefined) throw new AppError('EMPTY_FILE', EMPTY_FILE);
    if (this.wrongFieldCount) throw this.wrongFieldCount;
    if (this.rows === 0)
      throw new AppError(
        'NO_DATA_ROWS',
        'The file has a header row but no data rows. Add at least one row and upload again.',
      );
    if (this.rows > this.options.maxRows) {
      throw new AppError(
        'TOO_MANY_ROWS',
        `The file has ${this.rows} data rows; the limit is ${this.options.maxRows}. Split it into smaller files.`,
      );
    }
    return { rows: this.rows, columns: this.columns, resultBytesBound: this.resultBound };
  }

  private decode(chunk: Buffer | undefined): void {
    let text: string;
    try {
      text = chunk ? this.decoder.decode(chunk, { stream: true }) : this.decoder.decode();
    } catch {
      this.notUtf8 = true;
      return;
    }
    // The whole-file reader's test: nothing but white space (a BOM counts as white space) is empty.
    if (!this.hasText && /\S/.test(text)) this.hasText = true;
  }

  private findNul(chunk: Buffer): void {
    if (this.nulLine !== undefined) return;
    const nul = chunk.indexOf(0);
    const end = nul < 0 ? chunk.length : nul;
    for (let i = chunk.indexOf(LF); i >= 0 && i < end; i = chunk.indexOf(LF, i + 1)) this.newlines++;
    if (nul >= 0) this.nulLine = this.newlines + 1;
  }

  private onRecord(fields: string[], context: InfoRecord): null {
    const startLine = this.lines.lineAt(this.recordStart);
    const rawBytes = context.bytes - this.recordStart;
    this.recordStart = context.bytes;
    if (isBlank(fields)) return null;
    if (this.columns === undefined) {
      this.columns = fields.length;
      this.mapped = Object.values(mapColumns(fields));
      this.resultBound += headerResultBound(rawBytes, fields.length);
    } else {
      this.rows++;
      this.resultBound += rowResultBound(rawBytes, fields, this.mapped);
      if (fields.length !== this.columns && !this.wrongFieldCount) {
        this.wrongFieldCount = new AppError(
          'BAD_CSV',
          `Malformed CSV at line ${startLine}: expected ${this.columns} fields like the header, found ${fields.length}. Fix that row and upload again.`,
        );
      }
    }
    if (!this.refused) this.options.onRecord?.(fields);
    return null;
  }

  private noteParseError(): void {
    const error = this.parser.errored;
    if (!error || this.malformed) return;
    const reason = error.message.replace(/ at line \d+.*$|, got .*$| on line \d+.*$/s, '');
    this.malformed = new AppError(
      'BAD_CSV',
      `Malformed CSV at line ${this.lines.lineAt(this.recordStart)}: ${reason}. Check the quotes in the record that starts on that line and upload again.`,
    );
  }
}

/** Validates a whole file held in memory (tests, small inputs): the same verdict as streaming it. */
export async function inspectCsv(bytes: Uint8Array, options: InspectCsvOptions): Promise<CsvSummary> {
  const inspector = new CsvInspector(options);
  inspector.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return inspector.end();
}

/** A record of one blank field is a blank line; it is skipped, never counted. */
export function isBlank(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0]?.trim() === '';
}
