/**
 * One attempt at one job, from `running` to a terminal state. Decides what a resumed job does,
 * enforces JOB_TIMEOUT_MS per attempt, bounds how long it waits for Redis to take its result, and
 * makes sure the terminal state gets written.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isTerminal } from '../domain/job.js';
import { AppError } from '../errors.js';
import type { LargeRecordGate } from '../large-record-gate.js';
import type { JobStore, StateChange } from '../store/job-store.js';
import { runCsvJob } from './csv-job-runner.js';
import { ProgressPublisher } from './progress-publisher.js';
import { StorageRefused, writeUntilStored, writeWithinStorageWait } from './write-until-stored.js';

export interface AttemptOptions {
  readonly store: JobStore;
  readonly log: Logger;
  readonly jobId: string;
  readonly rowDelayMs: number;
  readonly jobTimeoutMs: number;
  readonly progressIntervalMs: number;
  /** How long a result piece may wait for Redis to accept it before the job ends `failed`. */
  readonly storageWaitMs: number;
  /** The worker process's turns for large records. */
  readonly largeRecords: LargeRecordGate;
  /** How many times a worker died holding this job before this attempt (BullMQ's stalled count). */
  readonly deadWorkers: number;
  /**
   * Aborted when this worker must stop now: the attempt stops between rows and throws
   * {@link AttemptInterrupted}, leaving the job (and the rows it reported) for the next worker.
   */
  readonly shutdown: AbortSignal;
  /** Told once the attempt's terminal state is stored (the worker's metrics); must not throw. */
  readonly onTerminal?: (outcome: AttemptOutcome) => void;
}

/**
 * Why an attempt ended `failed`: a metric label, so a small fixed set. `bad_input` is a file the
 * worker could not read as CSV; `storage` is Redis refusing the result for longer than
 * STORAGE_WAIT_MS; `error` is anything unexpected.
 */
export type FailureReason = 'timeout' | 'bad_input' | 'input_missing' | 'worker_died' | 'storage' | 'error';

/** How an attempt ended, with the rows of its terminal state. */
export type AttemptOutcome =
  | { readonly status: 'succeeded'; readonly rows: number }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly rows: number };

/** A job whose workers died this many times is failed instead of tried again (a poison file). */
export const MAX_DEAD_WORKERS = 2;

/** The abort reason when an attempt runs out of time. */
export class TimedOut extends Error {}

/** Thrown when the worker shut down mid-job: the job is not finished and must be handed back. */
export class AttemptInterrupted extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was interrupted by the worker shutting down`);
    this.name = 'AttemptInterrupted';
  }
}

/** Another attempt owns the job now (this worker was presumed dead): this one stops writing. */
class AttemptSuperseded extends Error {}

export async function runAttempt(options: AttemptOptions): Promise<void> {
  const { store, log, jobId } = options;
  const record = await store.read(jobId);
  if (!record || isTerminal(record.status)) return;

  // Before an attempt starts, the terminal state is written without an attempt id.
  if (options.deadWorkers >= MAX_DEAD_WORKERS) {
    return writeTerminal(
      options,
      {
        status: 'failed',
        processed: record.processed,
        total: record.total,
        error: `The worker processing this job stopped ${options.deadWorkers} times. Upload the file again; if it fails again, split it.`,
      },
      'worker_died',
    );
  }
  const input = await store.inputKind(jobId);
  if (input !== 'pieces') {
    const why = input === 'none' ? 'is no longer stored' : 'was stored by an earlier version of the service';
    return writeTerminal(
      options,
      { status: 'failed', processed: 0, total: record.total, error: `The uploaded file ${why}. Upload it again.` },
      'input_missing',
    );
  }
  const attemptId = randomUUID();
  if ((await store.startAttempt(jobId, attemptId, record.processed, record.total)) === undefined) return;

  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new TimedOut()), options.jobTimeoutMs);
  const publisher = new ProgressPublisher({
    store,
    jobId,
    attemptId,
    total: record.total,
    intervalMs: options.progressIntervalMs,
    log,
    alreadyReported: record.processed,
  });
  const finish = (change: StateChange, reason?: FailureReason): Promise<void> =>
    writeTerminal(options, { ...change, attemptId }, reason);
  let processed = 0;
  try {
    const signal = AbortSignal.any([timeout.signal, options.shutdown]);
    const { rows } = await runCsvJob({
      input: store.inputPieces(jobId),
      writeResult: (piece) => appendResult(options, attemptId, piece, signal),
      rowDelayMs: options.rowDelayMs,
      largeRecords: options.largeRecords,
      signal,
      onRow: (done) => {
        processed = done;
        return publisher.isDue(done) ? publisher.report(done) : undefined;
      },
    });
    await finish({ status: 'succeeded', processed: rows, total: rows });
  } catch (error) {
    if (error instanceof AttemptSuperseded) {
      log.warn({ jobId }, `Job ${jobId} is owned by a newer attempt; this one stops`);
      return;
    }
    if (options.shutdown.aborted && !timeout.signal.aborted) throw new AttemptInterrupted(jobId);
    const reported = Math.max(processed, record.processed);
    const message = timeout.signal.aborted
      ? `The job timed out after ${options.jobTimeoutMs} ms (JOB_TIMEOUT_MS) with ${reported} of ${record.total} rows done. Split the file or raise JOB_TIMEOUT_MS.`
      : failureMessage(error);
    const reason = timeout.signal.aborted
      ? 'timeout'
      : error instanceof StorageRefused
        ? 'storage'
        : error instanceof AppError
          ? 'bad_input'
          : 'error';
    await finish({ status: 'failed', processed: reported, total: record.total, error: message }, reason);
  } finally {
    clearTimeout(timer);
  }
}

/** Stores one result piece, waiting at most STORAGE_WAIT_MS while Redis refuses it. */
async function appendResult(
  options: AttemptOptions,
  attemptId: string,
  piece: Buffer,
  signal: AbortSignal,
): Promise<void> {
  const { store, log, jobId } = options;
  const appended = await writeWithinStorageWait(
    () => store.appendResult(jobId, attemptId, piece),
    options.storageWaitMs,
    {
      signal,
      onRetry: (error, attempt) => {
        if (attempt === 1)
          log.warn(
            { jobId, err: error.message },
            `[Worker] Redis refuses the result of job ${jobId}; waiting up to ${options.storageWaitMs} ms`,
          );
      },
    },
  );
  if (!appended) throw new AttemptSuperseded();
}

function failureMessage(error: unknown): string {
  if (error instanceof AppError || error instanceof StorageRefused) return error.message;
  return `The job failed: ${error instanceof Error ? error.message : String(error)}. Upload the file again.`;
}

async function writeTerminal(
  options: AttemptOptions,
  change: StateChange,
  reason: FailureReason = 'error',
): Promise<void> {
  const { store, log, jobId } = options;
  const written = await writeUntilStored(() => store.transition(jobId, change), {
    signal: options.shutdown,
    onRetry: (error) =>
      log.warn({ jobId, err: error.message }, `[Worker] Could not store the final state of job ${jobId}; retrying`),
  });
  if (written === undefined) return;
  options.onTerminal?.(
    change.status === 'succeeded'
      ? { status: 'succeeded', rows: change.processed }
      : { status: 'failed', reason, rows: change.processed },
  );
  if (change.status === 'succeeded')
    log.info({ jobId, rows: change.total }, `[Worker] Published success status for job ${jobId}`);
  else log.info({ jobId, error: change.error }, `[Worker] Published failure status for job ${jobId}`);
}
