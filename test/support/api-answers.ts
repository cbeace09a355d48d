/**
 * Typed reads of the API's JSON answers. The upload helper and `fetch` hand the body over untyped;
 * these give it the contract's shape, and throw with the whole answer when it is not that shape,
 * so a test fails saying what the server said instead of on `undefined` (kit/api-answers.ts holds
 * the shape checks chaos and bench share, which answer undefined instead).
 */
import type { Job } from '../../app/domain/job.js';
import { errorOf } from '../../kit/api-answers.js';

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
export function answerError(answer: Answer): { readonly code: string; readonly message: string } {
  const error = errorOf(answer.body);
  if (error === undefined)
    throw new Error(`expected an error answer, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return error;
}

/** `response.json()` read as the `T` the route answers (a cast: the test's assertions check the values). */
export async function jsonAs<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
