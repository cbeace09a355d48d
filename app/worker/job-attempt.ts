/**
 * One attempt at one job, from `running` to a terminal state. Decides what a resumed job does,
 * enforces JOB_TIMEOUT_MS per attempt, and makes sure the terminal state gets written.
 */
import type { Logger } from 'pino';
import { isTerminal } from '../domain/job.js';
import { parseCsv } from '../domain/csv-file.js';
import { AppError } from '../errors.js';
import type { JobStore, StateChange } from '../store/job-store.js';
import { runCsvJob } from './csv-job-runner.js';
import { ProgressPublisher } from './progress-publisher.js';
import { writeUntilStored } from './write-until-stored.js';

export interface AttemptOptions {
  readonly store: JobStore;
  readonly log: Logger;
  readonly jobId: string;
  readonly rowDelayMs: number;
  readonly jobTimeoutMs: number;
  readonly progressIntervalMs: number;
  readonly maxRows: number;
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
 * worker could not read as CSV; `error` is anything unexpected.
 */
export type FailureReason = 'timeout' | 'bad_input' | 'input_missing' | 'worker_died' | 'error';

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

export async function runAttempt(options: AttemptOptions): Promise<void> {
  const { store, log, jobId } = options;
  const record = await store.read(jobId);
  if (!record || isTerminal(record.status)) return;

  const finish = (change: StateChange, reason?: FailureReason): Promise<void> => writeTerminal(options, change, reason);
  if (options.deadWorkers >= MAX_DEAD_WORKERS) {
    return finish({ status: 'failed', processed: record.processed, total: record.total,
      error: `The worker processing this job stopped ${options.deadWorkers} times. Upload the file again; if it fails again, split it.` }, 'worker_died');
  }

  const input = await store.readInput(jobId);
  if (input === undefined) {
    return finish({ status: 'failed', processed: 0, total: record.total, error: 'The uploaded file is no longer stored. Upload it again.' }, 'input_missing');
  }
  await store.transition(jobId, { status: 'running', processed: record.processed, total: record.total });

  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new TimedOut()), options.jobTimeoutMs);
  const publisher = new ProgressPublisher({ store, jobId, total: record.total, intervalMs: options.progressIntervalMs,
    log, alreadyReported: record.processed });
  let processed = 0;
  try {
    const table = parseCsv(Buffer.from(input, 'utf8'), { maxRows: options.maxRows });
    const resultCsv = await runCsvJob({
      table, rowDelayMs: options.rowDelayMs, signal: AbortSignal.any([timeout.signal, options.shutdown]),
      onRow: (done) => {
        processed = done;
        return publisher.isDue(done) ? publisher.report(done) : undefined;
      },
    });
    await finish({ status: 'succeeded', processed: table.rows.length, total: table.rows.length, resultCsv });
  } catch (error) {
    if (options.shutdown.aborted && !timeout.signal.aborted) throw new AttemptInterrupted(jobId);
    const reported = Math.max(processed, record.processed);
    const message = timeout.signal.aborted
      ? `The job timed out after ${options.jobTimeoutMs} ms (JOB_TIMEOUT_MS) with ${reported} of ${record.total} rows done. Split the file or raise JOB_TIMEOUT_MS.`
      : failureMessage(error);
    const reason = timeout.signal.aborted ? 'timeout' : error instanceof AppError ? 'bad_input' : 'error';
    await finish({ status: 'failed', processed: reported, total: record.total, error: message }, reason);
  } finally {
    clearTimeout(timer);
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return `The job failed: ${error instanceof Error ? error.message : String(error)}. Upload the file again.`;
}

async function writeTerminal(options: AttemptOptions, change: StateChange, reason: FailureReason = 'error'): Promise<void> {
  const { store, log, jobId } = options;
  const written = await writeUntilStored(() => store.transition(jobId, change), {
    signal: options.shutdown,
    onRetry: (error) => log.warn({ jobId, err: error.message }, `[Worker] Could not store the final state of job ${jobId}; retrying`),
  });
  if (written === undefined) return;
  options.onTerminal?.(change.status === 'succeeded'
    ? { status: 'succeeded', rows: change.processed }
    : { status: 'failed', reason, rows: change.processed });
  if (change.status === 'succeeded') log.info({ jobId, rows: change.total }, `[Worker] Published success status for job ${jobId}`);
  else log.info({ jobId, error: change.error }, `[Worker] Published failure status for job ${jobId}`);
}
