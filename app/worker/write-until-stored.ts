/**
 * A terminal state must reach Redis even across a Redis restart: retry the write with a capped
 * backoff until it succeeds or the worker shuts down (then BullMQ hands the job to another worker).
 */
import { setTimeout as sleep } from 'node:timers/promises';

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
