/**
 * How many jobs failed in the last hour, for `npm run status` and the `queue_jobs_failed_last_hour`
 * gauge: a counter per minute, incremented by the worker when a job ends `failed`. Every key expires
 * two hours after its minute began, so at most 120 small keys exist, whatever the failure rate.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../domain/redis-keys.js';

/** The window {@link countRecentFailures} sums: this minute and the 59 before it. */
export const RECENT_FAILURE_MINUTES = 60;
const KEEP_SECONDS = 2 * 60 * 60;

function minuteOf(nowMs: number): number {
  return Math.floor(nowMs / 60_000);
}

/** Counts one failed job in the current minute. */
export async function recordFailure(redis: Redis, keys: RedisKeys, nowMs: number): Promise<void> {
  const key = keys.failuresInMinute(minuteOf(nowMs));
  await redis.multi().incr(key).expire(key, KEEP_SECONDS).exec();
}

/** Failed jobs over the last {@link RECENT_FAILURE_MINUTES} minutes (whole minutes, this one included). */
export async function countRecentFailures(redis: Redis, keys: RedisKeys, nowMs: number): Promise<number> {
  const current = minuteOf(nowMs);
  const names = Array.from({ length: RECENT_FAILURE_MINUTES }, (_, i) => keys.failuresInMinute(current - i));
  const values = await redis.mget(names);
  return values.reduce((sum, value) => sum + (value === null ? 0 : Number(value)), 0);
}
