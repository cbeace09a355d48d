/**
 * Takes an upload's bytes in: validates them as they arrive (CsvInspector) and stages the records
 * the worker will process (app/domain/record-lines.ts) in the store, gzipped, piece by piece. Once
 * the file will certainly be refused, nothing more is stored; the rest is still read for the exact
 * answer. Memory: one chunk, its records' text, one gzip stream, one piece.
 */
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { CsvInspector, type CsvSummary } from '../domain/csv-file.js';
import { encodeRecord } from '../domain/record-lines.js';
import { LargeRecordTurn, type LargeRecordGate } from '../large-record-gate.js';
import { firstFailure, nextEvent } from '../next-event.js';
import { INPUT_GZIP_LEVEL, PieceWriter } from '../store/stored-file.js';
import { tooLarge, type UploadBody } from './upload.js';

export interface IntakeOptions {
  readonly maxBytes: number;
  readonly maxRows: number;
  /** Stores the next gzipped piece of the records; `receivedBytes` of the body have arrived so far. */
  readonly stagePiece: (piece: Buffer, receivedBytes: number) => Promise<void>;
  /** The process's turns for large records. */
  readonly largeRecords: LargeRecordGate;
}

/**
 * Reads the whole body. Answers the file's summary once every piece is stored, or throws the answer
 * for a bad file (`400`, `413`, `422`) or the store's refusal. The caller abandons the staged pieces
 * when this throws.
 */
export async function takeInUpload(body: UploadBody, options: IntakeOptions): Promise<CsvSummary> {
  let lines: string[] = [];
  const inspector = new CsvInspector({
    maxRows: options.maxRows,
    onRecord: (fields) => lines.push(encodeRecord(fields)),
  });
  const gzip = createGzip({ level: INPUT_GZIP_LEVEL });
  let received = 0;
  const storing = pipeline(gzip, new PieceWriter((piece) => options.stagePiece(piece, received)));
  const failed = firstFailure([storing]);
  const turn = new LargeRecordTurn(options.largeRecords);
  let store = true;
  try {
    for await (const chunk of body.bytes) {
      received += chunk.length;
      await turn.before(inspector.pendingRecordBytes + chunk.length);
      inspector.write(chunk);
      if (store && inspector.refused) {
        store = false;
        storing.catch(() => undefined);
        gzip.destroy();
      }
      if (store && lines.length > 0 && !gzip.write(lines.join(''))) await nextEvent(gzip, ['drain'], failed);
      lines = [];
      turn.after(inspector.pendingRecordBytes);
    }
    if (body.truncated()) throw tooLarge(options.maxBytes);
    const summary = await inspector.end();
    // The parser hands over the last record only at the end of the file.
    if (lines.length > 0) gzip.write(lines.join(''));
    gzip.end();
    await storing;
    return summary;
  } finally {
    turn.end();
    if (!gzip.writableFinished) gzip.destroy();
  }
}
