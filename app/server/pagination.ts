/** `offset` and `limit` of `GET /jobs`, validated. Pure. */
import { MAX_PAGE_LIMIT, PAGE_SIZE } from '../domain/wire-contract.js';
import { AppError } from '../errors.js';

export interface Page {
  readonly offset: number;
  readonly limit: number;
}

export function parsePage(query: Record<string, unknown>): Page {
  const offset = parseCount(query.offset, 'offset', 0);
  const limit = parseCount(query.limit, 'limit', PAGE_SIZE);
  if (limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new AppError(
      'BAD_REQUEST',
      `limit must be between 1 and ${MAX_PAGE_LIMIT}, got ${limit}. Page with offset instead.`,
    );
  }
  return { offset, limit };
}

function parseCount(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) {
    throw new AppError(
      'BAD_REQUEST',
      `${name} must be a whole number of 0 or more, got ${JSON.stringify(raw).slice(0, 40)}.`,
    );
  }
  return Number(raw);
}
