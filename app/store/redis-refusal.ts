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

/** Redis's refusal code of an error (`OOM`, `READONLY`, ...), or undefined when it is no refusal. */
export function refusalCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const own = REFUSAL_CODE.exec(error.message)?.[1];
  if (own) return own;
  const previous = (error as { previousErrors?: unknown }).previousErrors;
  return Array.isArray(previous) ? previous.map(refusalCode).find((code) => code !== undefined) : undefined;
}

export function isRedisRefusal(error: unknown): boolean {
  return refusalCode(error) !== undefined;
}

/** True when Redis refused a write because it is at its `maxmemory` (`OOM`). */
export function isOutOfMemory(error: unknown): boolean {
  return refusalCode(error) === 'OOM';
}

/** A write Redis refused: `DEPENDENCY_DOWN` to clients, with Redis's own code (`OOM`, `READONLY`, ...). */
export class StoreRefusal extends AppError {
  constructor(readonly refusal: string) {
    super(
      'DEPENDENCY_DOWN',
      `The job store (Redis) refuses writes right now (${refusal}). Try again in a few seconds.`,
    );
    this.name = 'StoreRefusal';
  }
}

/** Runs a store write; a refusal by Redis becomes a {@link StoreRefusal}, anything else passes unchanged. */
export async function refusalAsDependencyDown<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const code = refusalCode(error);
    if (code === undefined) throw error;
    throw new StoreRefusal(code);
  }
}
