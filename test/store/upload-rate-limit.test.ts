/**
 * The upload rate limit in Redis: one sliding window per user, shared by every web process (here
 * limiters on separate connections, as separate processes have), taken atomically.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../app/domain/redis-keys.js';
import { AppError } from '../../app/errors.js';
import { UploadRateLimit } from '../../app/store/upload-rate-limit.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';

let redis: RedisServer;
const connections: Redis[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  await redis?.destroy();
});

/** `count` limiters on their own connections, as `count` web processes would have them. */
function limiters(
  count: number,
  perWindow: number,
  windowMs: number,
): { limits: UploadRateLimit[]; keys: ReturnType<typeof redisKeys> } {
  const keys = redisKeys(`test-${randomUUID()}`);
  const limits = Array.from({ length: count }, () => {
    const connection = new Redis(redis.url);
    connections.push(connection);
    return new UploadRateLimit(connection, keys, { perWindow, windowMs });
  });
  return { limits, keys };
}

describe('upload rate limit', () => {
  it('lets exactly the limit through when processes race for the same user', async () => {
    const { limits } = limiters(3, 5, 60_000);
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => limits[i % 3]!.take('alice')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    // Another user has a window of their own.
    expect((await limits[0]!.take('bob')).allowed).toBe(true);
  });

  it('refuses with the wait until the oldest upload leaves the window, then admits again', async () => {
    const {
      limits: [limit],
    } = limiters(1, 2, 1_500);
    expect((await limit!.take('carol')).allowed).toBe(true);
    expect((await limit!.take('carol')).allowed).toBe(true);
    const refused = await limit!.take('carol');
    expect(refused.allowed).toBe(false);
    const wait = refused.allowed ? 0 : refused.retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1_500);
    await new Promise((resolve) => setTimeout(resolve, wait + 50));
    expect((await limit!.take('carol')).allowed).toBe(true);
  });

  it('slides: a burst at the end of one minute and the start of the next is one window', async () => {
    const {
      limits: [limit],
    } = limiters(1, 3, 1_000);
    for (let i = 0; i < 3; i++) expect((await limit!.take('dave')).allowed).toBe(true);
    // Half a window later a fixed per-window counter could have rolled over; the sliding one has not.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await limit!.take('dave')).allowed).toBe(false);
  });

  it('answers RATE_LIMITED (429) with the wait in the message', async () => {
    const {
      limits: [limit],
    } = limiters(1, 1, 60_000);
    await limit!.admit('erin');
    const error = await limit!.admit('erin').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('RATE_LIMITED');
    expect((error as AppError).httpStatus).toBe(429);
    expect((error as AppError).message).toMatch(/at most 1 per minute\. Try again in \d+ s\./);
  });

  it('stores one key per user that expires with the window', async () => {
    const {
      limits: [limit],
      keys,
    } = limiters(1, 10, 2_000);
    await limit!.take('frank');
    const admin = new Redis(redis.url);
    connections.push(admin);
    const ttl = await admin.pttl(keys.uploadRate('frank'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2_000);
    expect(await admin.zcard(keys.uploadRate('frank'))).toBe(1);
  });
});
