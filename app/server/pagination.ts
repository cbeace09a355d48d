/** `offset` and `limit` of `GET /jobs`, validated. Pure. */
import { AppError } from '../errors.js';

export const DEFAULT_LIMIT = 60;
export const MAX_LIMIT = 100;

export interface Page {
  readonly offset: number;
  readonly limit: number;
}

export function parsePage(query: Record<string, unknown>): Page {
  const offset = parseCount(query.offset, 'offset', 0);
  const limit = parseCount(query.limit, 'limit', DEFAULT_LIMIT);
  if (limit < 1 || limit > MAX_LIMIT) {
    throw new AppError('BAD_REQUEST', `limit must be between 1 and ${MAX_LIMIT}, got ${limit}. Page with offset instead.`);
  }
  return { offset, limit };
}

function parseCount(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) {
    throw new AppError('BAD_REQUEST', `${name} must be a whole number of 0 or more, got "${String(raw).slice(0, 40)}".`);
  }
  return Number(raw);
}
