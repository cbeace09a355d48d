/**
 * Runs one CSV job as a stream: the stored input's gzipped pieces are unzipped into records (the
 * web server stored them as record lines, app/domain/record-lines.ts, having parsed and validated
 * the CSV once), each row is personalised, and the result is serialised in batches, gzipped and
 * handed out in pieces. Memory stays at a few pieces and one batch, whatever the file's size. It
 * knows nothing of BullMQ or Redis: pieces come in, pieces go out through `writeResult`, progress
 * through `onRow`.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { mapColumns, personalizeRow, type ColumnMap } from '../domain/personalize.js';
import { RecordLineDecoder } from '../domain/record-lines.js';
import { resultHeader, resultRecord, serializeRecords } from '../domain/result-csv.js';
import { LargeRecordTurn, type LargeRecordGate } from '../large-record-gate.js';
import { firstFailure, nextEvent } from '../next-event.js';
import { PieceWriter, RESULT_GZIP_LEVEL } from '../store/stored-file.js';

export interface RunCsvJobOptions {
  /** The stored input: gzipped pieces of record lines, in order. */
  readonly input: AsyncIterable<Buffer>;
  /** Stores the next gzipped piece of the result; awaited before more is produced. */
  readonly writeResult: (piece: Buffer) => Promise<void>;
  /** Pause after each row (demos, tests). */
  readonly rowDelayMs: number;
  /** Aborted when the attempt runs out of time or the worker shuts down. */
  readonly signal: AbortSignal;
  /** Called after each row with the count done so far; awaited only when it returns a promise. */
  readonly onRow: (processed: number) => Promise<void> | void;
  /** The process's turns for large records. */
  readonly largeRecords: LargeRecordGate;
}

/** Records serialised at once: csv-stringify's per-call cost is paid once per batch, not per row. */
const BATCH_RECORDS = 256;
/** A batch is also written once its cells reach this many characters (a file of huge cells). */
const BATCH_CHARS = 256 * 1024;
const UNZIPPED_CHUNK_BYTES = 64 * 1024;

/** Runs the job to its end; answers the number of data rows. Throws the signal's reason when aborted. */
export async function runCsvJob(options: RunCsvJobOptions): Promise<{ rows: number }> {
  const { signal } = options;
  const gunzip = createGunzip({ chunkSize: UNZIPPED_CHUNK_BYTES });
  const gzip = createGzip({ level: RESULT_GZIP_LEVEL });
  const reading = pipeline(Readable.from(options.input), gunzip, { signal });
  const writing = pipeline(gzip, new PieceWriter(options.writeResult), { signal });
  // Writing failing (or the signal) ends the job at its next wait; reading failing ends the loop.
  const failed = firstFailure([writing], (error) => (signal.aborted ? signal.reason : error));
  reading.catch(() => undefined);
  const job = new ResultWriter(gzip, failed, options);
  const turn = new LargeRecordTurn(options.largeRecords);
  try {
    const text = new TextDecoder('utf-8', { fatal: true });
    const lines = new RecordLineDecoder();
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      await turn.before(lines.pendingLength + chunk.length, signal);
      for (const fields of lines.push(text.decode(chunk, { stream: true }))) await job.take(fields);
      turn.after(lines.pendingLength);
    }
    lines.push(text.decode());
    lines.end();
    await job.end();
    await Promise.race([writing, failed]);
    return { rows: job.rows };
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  } finally {
    turn.end();
    gunzip.destroy();
    gzip.destroy();
  }
}

/** Turns records into the result text: the header first, then one personalised record per row. */
class ResultWriter {
  rows = 0;
  private columns: ColumnMap | undefined;
  private batch: string[][] = [];
  private batchChars = 0;

  constructor(
    private readonly gzip: Gzip,
    private readonly failed: Promise<never>,
    private readonly options: RunCsvJobOptions,
  ) {}

  /** Takes the next record; waits only for a full output, a progress report or the row delay. */
  async take(fields: string[]): Promise<void> {
    const { signal } = this.options;
    signal.throwIfAborted();
    if (this.columns === undefined) {
      this.columns = mapColumns(fields);
      this.batch.push(resultHeader(fields));
      return;
    }
    this.batch.push(resultRecord(fields, personalizeRow(fields, this.columns)));
    for (const field of fields) this.batchChars += field.length;
    this.rows++;
    if (this.batch.length >= BATCH_RECORDS || this.batchChars >= BATCH_CHARS) await this.flush();
    const pending = this.options.onRow(this.rows);
    if (pending) await pending;
    if (this.options.rowDelayMs > 0) await sleep(this.options.rowDelayMs, undefined, { signal });
  }

  /** Writes what is left and ends the result. */
  async end(): Promise<void> {
    this.options.signal.throwIfAborted();
    await this.flush();
    this.gzip.end();
  }

  private async flush(): Promise<void> {
    const text = serializeRecords(this.batch);
    this.batch = [];
    this.batchChars = 0;
    if (!this.gzip.write(text)) await nextEvent(this.gzip, ['drain'], this.failed);
  }
}
