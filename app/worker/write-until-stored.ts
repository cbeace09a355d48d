/**
 * Writes that must reach Redis. A terminal state must get there even across a Redis restart: it is
 * retried until it succeeds or the worker shuts down (then BullMQ hands the job to another worker).
 * A piece of a result is retried only for a bounded time while Redis refuses it (out of memory,
 * read-only, ...): the job then ends `failed` with a clear error instead of waiting for ever.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreRefusal } from '../store/redis-refusal.js';

export interface RetryOptions {
  readonly signal: AbortSignal;
  readonly onRetry: (error: Error, attempt: number) => void;
  /** @default 250 */
  readonly firstDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
}

export async function writeUntilStored<T>(write: () => Promise<T>, options: RetryOptions): Promise<T> {
  let delay = options.firstDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (options.signal.aborted) throw error;
      options.onRetry(error as Error, attempt);
      await sleep(delay, undefined, { signal: options.signal });
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    }
  }
}

/** Redis kept refusing a write for longer than the storage wait. */
export class StorageRefused extends Error {
  constructor(
    readonly waitedMs: number,
    readonly refusal: string,
  ) {
    const why = refusal === 'OOM' ? 'OOM: it is at its memory limit' : refusal;
    super(
      `Redis refused to store the result for ${Math.round(waitedMs / 1000)} s (${why}). Upload the file again later.`,
    );
    this.name = 'StorageRefused';
  }
}

/**
 * Retries `write` while Redis refuses it (a {@link StoreRefusal}), for at most `waitMs`; then throws
 * {@link StorageRefused}. Other errors pass at once.
 */
export async function writeWithinStorageWait<T>(
  write: () => Promise<T>,
  waitMs: number,
  options: RetryOptions,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  let delay = options.firstDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof StoreRefusal)) throw error;
      if (Date.now() + delay > deadline) throw new StorageRefused(waitMs, error.refusal);
      options.onRetry(error, attempt);
      await sleep(delay, undefined, { signal: options.signal });
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    }
  }
}
