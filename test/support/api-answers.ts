/**
 * Typed reads of the API's JSON answers. The upload helper and `fetch` hand the body over untyped;
 * these give it the contract's shape, and throw with the whole answer when it is not that shape,
 * so a test fails saying what the server said instead of on `undefined`.
 */
import type { Job } from '../../app/domain/job.js';

/** The contract's error answer: `{ error: { code, message } }`. */
export interface ErrorJson {
  readonly error: { readonly code: string; readonly message: string };
}

/** What `uploadCsv` answers, as far as these readers need it. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

/** The Job of a `201 Created` upload; any other answer throws with its status and body. */
export function createdJob(answer: Answer): Job {
  if (answer.status !== 201 || typeof field(answer.body, 'id') !== 'string') {
    throw new Error(`expected 201 with a Job, the upload answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body as Job;
}

/** The `error` of a refused request's answer; an answer without one throws with its status and body. */
export function answerError(answer: Answer): ErrorJson['error'] {
  const error = field(answer.body, 'error');
  if (typeof field(error, 'code') !== 'string') {
    throw new Error(`expected an error answer, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return error as ErrorJson['error'];
}

/** `response.json()` read as the `T` the route answers (a cast: the test's assertions check the values). */
export async function jsonAs<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
