/** Waiting on a stream without leaving listeners behind (a long job waits thousands of times). */
import { once } from 'node:events';

/** Resolves at the first of `events` on `emitter`; rejects when `failed` does first. */
export async function nextEvent(
  emitter: NodeJS.EventEmitter,
  events: readonly string[],
  failed: Promise<never>,
): Promise<void> {
  const controller = new AbortController();
  try {
    await Promise.race([...events.map((event) => once(emitter, event, { signal: controller.signal })), failed]);
  } finally {
    controller.abort();
  }
}

/** A promise that rejects when any of `tasks` rejects (and never resolves): the "failed" of {@link nextEvent}. */
export function firstFailure(
  tasks: readonly Promise<unknown>[],
  mapError: (error: unknown) => unknown = (error) => error,
): Promise<never> {
  const failed = new Promise<never>((_resolve, reject) => {
    for (const task of tasks) task.catch((error: unknown) => reject(mapError(error)));
  });
  failed.catch(() => undefined);
  return failed;
}
