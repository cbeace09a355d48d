/**
 * Redis answers that mean "the store cannot take this write right now" rather than "the request is
 * wrong": a read-only replica, too few replicas, a failed snapshot, out of memory, still loading, a
 * busy script, a failover. They are outages of a dependency, so callers see `DEPENDENCY_DOWN` (HTTP
 * `503`), never `500`.
 */
import { AppError } from '../errors.js';

// The RESP protocol puts the error code first in the reply text (`-NOREPLICAS Not enough ...`); that
// word is the stable code to match. ioredis wraps a failed MULTI in EXECABORT with `previousErrors`.
const REFUSAL_CODE = /^(READONLY|NOREPLICAS|MISCONF|OOM|LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

export function isRedisRefusal(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (REFUSAL_CODE.test(error.message)) return true;
  const previous = (error as { previousErrors?: unknown }).previousErrors;
  return Array.isArray(previous) && previous.some(isRedisRefusal);
}

/** Runs a store write; a refusal by Redis becomes `DEPENDENCY_DOWN`, anything else passes unchanged. */
export async function refusalAsDependencyDown<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isRedisRefusal(error)) throw error;
    throw new AppError('DEPENDENCY_DOWN', `The job store (Redis) refuses writes right now (${(error as Error).message.split(' ')[0]}). Try again in a few seconds.`);
  }
}
