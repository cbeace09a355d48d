/**
 * Runs one CSV job: parse, personalize every row, report progress. It knows nothing of BullMQ or
 * Redis: rows come in, progress goes out through `onRow`, the result CSV comes back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CsvTable } from '../domain/csv-file.js';
import { mapColumns, personalizeRow } from '../domain/personalize.js';
import { buildResultCsv } from '../domain/result-csv.js';

export interface RunCsvJobOptions {
  readonly table: CsvTable;
  /** Pause after each row (demos, tests). */
  readonly rowDelayMs: number;
  /** Aborted when the attempt runs out of time or the worker shuts down. */
  readonly signal: AbortSignal;
  /** Called after each row with the count done so far; awaited only when it returns a promise. */
  readonly onRow: (processed: number) => Promise<void> | void;
}

// Yield to the event loop this often even without a row delay, so BullMQ can renew the job's lock.
const YIELD_EVERY_ROWS = 500;

export async function runCsvJob(options: RunCsvJobOptions): Promise<string> {
  const { table, signal } = options;
  const columns = mapColumns(table.header);
  const lines: string[] = [];
  for (let i = 0; i < table.rows.length; i++) {
    signal.throwIfAborted();
    lines.push(personalizeRow(table.rows[i]!, columns));
    const pending = options.onRow(i + 1);
    if (pending) await pending;
    if (options.rowDelayMs > 0) await sleep(options.rowDelayMs, undefined, { signal });
    else if ((i + 1) % YIELD_EVERY_ROWS === 0) await sleep(0, undefined, { signal });
  }
  signal.throwIfAborted();
  return buildResultCsv(table, lines);
}
