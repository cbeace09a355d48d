/**
 * The floor the capacity run compares the service against: the same file through csv-parse →
 * personalise (with the formula neutralisation the service applies) → csv-stringify, streamed in one
 * process, no Redis, no HTTP, nothing stored. What no design of the service can beat.
 */
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { mapColumns, personalizeRow, type ColumnMap } from '../../app/domain/personalize.js';
import { resultHeader, resultRecord } from '../../app/domain/result-csv.js';

const CHUNK_BYTES = 64 * 1024;

/** Runs the floor pipeline over `csv`; answers the milliseconds it took and the result's size. */
export async function runPipelineFloor(csv: Buffer): Promise<{ ms: number; resultBytes: number }> {
  let columns: ColumnMap | undefined;
  let resultBytes = 0;
  const personalise = new Transform({
    objectMode: true,
    transform(row: string[], _encoding, callback) {
      if (columns === undefined) {
        columns = mapColumns(row);
        callback(null, resultHeader(row));
      } else {
        callback(null, resultRecord(row, personalizeRow(row, columns)));
      }
    },
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      resultBytes += chunk.length;
      callback();
    },
  });
  const started = performance.now();
  await pipeline(Readable.from(chunksOf(csv)), new Parser({ bom: true }), personalise, stringify(), sink);
  return { ms: performance.now() - started, resultBytes };
}

function* chunksOf(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) yield bytes.subarray(offset, offset + CHUNK_BYTES);
}
