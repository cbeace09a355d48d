/**
 * Takes an upload's bytes in: validates them as they arrive (CsvInspector) and stages them in the
 * store gzipped, piece by piece. Once the file will certainly be refused, nothing more is stored; the
 * rest is still read for the exact answer. Memory: one chunk, one gzip stream, one piece.
 */
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { CsvInspector, type CsvSummary } from '../domain/csv-file.js';
import { firstFailure, nextEvent } from '../next-event.js';
import { INPUT_GZIP_LEVEL, PieceWriter } from '../store/stored-file.js';
import { tooLarge, type UploadBody } from './upload.js';

export interface IntakeOptions {
  readonly maxBytes: number;
  readonly maxRows: number;
  /** Stores the next gzipped piece of the file. */
  readonly stagePiece: (piece: Buffer) => Promise<void>;
}

/**
 * Reads the whole body. Answers the file's summary once every piece is stored, or throws the answer
 * for a bad file (`400`, `413`, `422`) or the store's refusal. The caller abandons the staged pieces
 * when this throws.
 */
export async function takeInUpload(body: UploadBody, options: IntakeOptions): Promise<CsvSummary> {
  const inspector = new CsvInspector({ maxRows: options.maxRows });
  const gzip = createGzip({ level: INPUT_GZIP_LEVEL });
  const storing = pipeline(gzip, new PieceWriter(options.stagePiece));
  const failed = firstFailure([storing]);
  let store = true;
  try {
    for await (const chunk of body.bytes) {
      inspector.write(chunk);
      if (store && inspector.refused) {
        store = false;
        storing.catch(() => undefined);
        gzip.destroy();
      }
      if (store && !gzip.write(chunk)) await nextEvent(gzip, ['drain'], failed);
    }
    if (body.truncated()) throw tooLarge(options.maxBytes);
    const summary = await inspector.end();
    gzip.end();
    await storing;
    return summary;
  } finally {
    if (!gzip.writableFinished) gzip.destroy();
  }
}
