/**
 * Runs one CSV job as a stream: the stored input's gzipped pieces are unzipped and parsed record by
 * record, each row is personalised, and the result is serialised in batches, gzipped and handed out
 * in pieces. Memory stays at a few pieces and one batch, whatever the file's size. It knows nothing
 * of BullMQ or Redis: pieces come in, pieces go out through `writeResult`, progress through `onRow`.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { Parser } from 'csv-parse';
import { stripBom } from '../domain/bom.js';
import { firstFailure, nextEvent } from '../next-event.js';
import { isBlank } from '../domain/csv-file.js';
import { mapColumns, personalizeRow, type ColumnMap } from '../domain/personalize.js';
import { resultHeader, resultRecord, serializeRecords } from '../domain/result-csv.js';
import { PieceWriter, RESULT_GZIP_LEVEL } from '../store/stored-file.js';

export interface RunCsvJobOptions {
  /** The stored input: gzipped pieces, in order. */
  readonly input: AsyncIterable<Buffer>;
  /** Stores the next gzipped piece of the result; awaited before more is produced. */
  readonly writeResult: (piece: Buffer) => Promise<void>;
  /** Pause after each row (demos, tests). */
  readonly rowDelayMs: number;
  /** Aborted when the attempt runs out of time or the worker shuts down. */
  readonly signal: AbortSignal;
  /** Called after each row with the count done so far; awaited only when it returns a promise. */
  readonly onRow: (processed: number) => Promise<void> | void;
}

/** Records serialised at once: csv-stringify's per-call cost is paid once per batch, not per row. */
const BATCH_RECORDS = 256;
/** A batch is also written once its cells reach this many characters (a file of huge cells). */
const BATCH_CHARS = 256 * 1024;
const UNZIPPED_CHUNK_BYTES = 64 * 1024;

/** Runs the job to its end; answers the number of data rows. Throws the signal's reason when aborted. */
export async function runCsvJob(options: RunCsvJobOptions): Promise<{ rows: number }> {
  const { signal } = options;
  const parser = new Parser({ bom: true, relax_column_count: true });
  const gzip = createGzip({ level: RESULT_GZIP_LEVEL });
  const reading = pipeline(Readable.from(options.input), createGunzip({ chunkSize: UNZIPPED_CHUNK_BYTES }), stripBom(), parser, { signal });
  const writing = pipeline(gzip, new PieceWriter(options.writeResult), { signal });
  // Either side failing (or the signal) ends the job; the loop notices at its next wait.
  const failed = firstFailure([reading, writing], (error) => (signal.aborted ? signal.reason : error));
  try {
    const rows = await processRecords(parser, {
      ...options,
      write: (text) => (gzip.write(text) ? undefined : nextEvent(gzip, ['drain'], failed)),
      waitForRecords: () => nextEvent(parser, ['readable', 'end'], failed),
    });
    gzip.end();
    await Promise.race([writing, failed]);
    return { rows };
  } finally {
    parser.destroy();
    gzip.destroy();
  }
}

interface LoopOptions extends RunCsvJobOptions {
  /** Queues result text; answers a promise when the caller must wait before writing more. */
  readonly write: (text: string) => Promise<unknown> | undefined;
  /** Resolves when the parser may have more records (or has ended). */
  readonly waitForRecords: () => Promise<unknown>;
}

/** Reads records synchronously while the parser has them, waiting only when it must. */
async function processRecords(parser: Parser, options: LoopOptions): Promise<number> {
  const { signal } = options;
  let columns: ColumnMap | undefined;
  let batch: string[][] = [];
  let batchChars = 0;
  let rows = 0;
  const flush = (): Promise<unknown> | undefined => {
    const text = serializeRecords(batch);
    batch = [];
    batchChars = 0;
    return options.write(text);
  };
  for (;;) {
    const fields = parser.read() as string[] | null;
    if (fields === null) {
      if (parser.readableEnded) break;
      await options.waitForRecords();
      continue;
    }
    signal.throwIfAborted();
    if (isBlank(fields)) continue;
    if (columns === undefined) {
      columns = mapColumns(fields);
      batch.push(resultHeader(fields));
      continue;
    }
    batch.push(resultRecord(fields, personalizeRow(fields, columns)));
    for (const field of fields) batchChars += field.length;
    rows++;
    if (batch.length >= BATCH_RECORDS || batchChars >= BATCH_CHARS) await flush();
    const pending = options.onRow(rows);
    if (pending) await pending;
    if (options.rowDelayMs > 0) await sleep(options.rowDelayMs, undefined, { signal });
  }
  signal.throwIfAborted();
  await flush();
  return rows;
}
