import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { JobStore } from '../../app/store/job-store.js';
import { StoreRefusal } from '../../app/store/redis-refusal.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { createJobFromText } from '../../kit/job-fixtures.js';

const MiB = 1024 * 1024;
let redis: RedisServer;
let client: Redis;

// A real redis-server with a real, small maxmemory and noeviction, as the manifests run it.
beforeAll(async () => {
  redis = await startRedisServer({ maxMemory: '4mb', maxMemoryPolicy: 'noeviction' });
  client = new Redis(redis.url);
});

afterAll(async () => {
  client.disconnect();
  await redis.destroy();
});

const fresh = (options: ConstructorParameters<typeof JobStore>[1] = {}) =>
  new JobStore(client, { prefix: `cap-${randomUUID()}`, ...options });

describe('admission (Redis room)', () => {
  it('holds room for an upload and refuses the next one that does not fit, with the figures', async () => {
    const store = fresh();
    expect(await store.staging.admit('u1', 1.5 * MiB)).toBe('admitted');
    const refused = await store.staging.admit('u2', 1.5 * MiB);
    expect(refused).toMatchObject({
      reason: 'memory',
      reservedBytes: 1.5 * MiB,
      neededBytes: 1.5 * MiB,
      uploadsInFlight: 1,
      openJobs: 0,
    });
    if (refused === 'admitted' || refused.reason !== 'memory') throw new Error('expected a memory refusal');
    expect(refused.limitBytes).toBe(Math.floor(4 * MiB * 0.9));
    expect(refused.usedBytes + refused.reservedBytes + refused.neededBytes).toBeGreaterThan(refused.limitBytes);
    await store.staging.abandon('u1');
    expect(await store.staging.admit('u2', 1.5 * MiB)).toBe('admitted');
    await store.staging.abandon('u2');
  });

  it('shrinks the room an upload holds as its pieces are stored', async () => {
    const store = fresh();
    expect(await store.staging.admit('big', 2 * MiB)).toBe('admitted');
    expect(await store.staging.admit('other', 1.5 * MiB)).toMatchObject({ reason: 'memory' });
    await store.staging.append('big', gzipSync('a\n1\n'), 0.5 * MiB);
    expect(await store.staging.admit('other', 1.5 * MiB)).toBe('admitted');
    await store.staging.abandon('big');
    await store.staging.abandon('other');
    expect(await client.exists(store.keys.upload('big'))).toBe(0);
  });

  it('a job holds the room for its result from creation until it ends', async () => {
    const store = fresh();
    const uploadId = randomUUID();
    expect(await store.staging.admit(uploadId, 10_000)).toBe('admitted');
    await store.staging.append(uploadId, gzipSync('a\n1\n'), 0);
    const outcome = await store.create({
      userId: 'ann',
      filename: 'a.csv',
      uploadId,
      total: 1,
      reserveBytes: 1.5 * MiB,
    });
    if (!('created' in outcome)) throw new Error(`not created: ${JSON.stringify(outcome)}`);
    expect(await store.staging.admit('next', 1.5 * MiB)).toMatchObject({ reason: 'memory', openJobs: 1 });
    await store.transition(outcome.created.id, { status: 'failed', processed: 0, total: 1, error: 'test' });
    expect(await store.staging.admit('next', 1.5 * MiB)).toBe('admitted');
    await store.staging.abandon('next');
  });

  it('refuses a job whose result does not fit, and leaves nothing of its upload behind', async () => {
    const store = fresh();
    const uploadId = randomUUID();
    expect(await store.staging.admit(uploadId, 10_000)).toBe('admitted');
    await store.staging.append(uploadId, gzipSync('a\n1\n'), 0);
    const outcome = await store.create({ userId: 'bo', filename: 'b.csv', uploadId, total: 1, reserveBytes: 8 * MiB });
    expect(outcome).toMatchObject({ refused: { reason: 'memory', neededBytes: 8 * MiB } });
    expect(await client.exists(store.keys.upload(uploadId))).toBe(0);
    expect(await client.hexists(store.keys.uploadReservations, uploadId)).toBe(0);
    expect((await store.list('bo', 0, 10)).total).toBe(0);
  });

  it('refuses uploads once MAX_OPEN_JOBS jobs are queued or running (the backlog)', async () => {
    const store = fresh({ maxOpenJobs: 2 });
    await createJobFromText(store, { userId: 'cy', filename: 'a.csv', inputCsv: 'a\n1\n', total: 1 });
    await createJobFromText(store, { userId: 'cy', filename: 'b.csv', inputCsv: 'a\n1\n', total: 1 });
    expect(await store.staging.admit('third', 1_000)).toEqual({ reason: 'backlog', openJobs: 2, maxOpenJobs: 2 });
  });

  it('lets the room of an upload that outlived its deadline go (a web process that died mid-upload)', async () => {
    const store = fresh({ uploadDeadlineMs: 200 });
    expect(await store.staging.admit('dead', 1.5 * MiB)).toBe('admitted');
    expect(await store.staging.admit('other', 1.5 * MiB)).toMatchObject({ reason: 'memory' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.staging.admit('other', 1.5 * MiB)).toBe('admitted');
    await store.staging.abandon('other');
  });
});

describe('Redis at its maxmemory', () => {
  it('refuses result pieces and admissions, but a job still ends failed and frees its input', async () => {
    const store = fresh();
    const job = await createJobFromText(store, { userId: 'dee', filename: 'd.csv', inputCsv: 'a\n1\n', total: 1 });
    const attempt = randomUUID();
    await client.config('SET', 'maxmemory', '1');
    try {
      expect(await store.startAttempt(job.id, attempt, 0, 1)).toBeDefined();
      const refusal = await store.appendResult(job.id, attempt, gzipSync('x')).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(StoreRefusal);
      expect((refusal as StoreRefusal).refusal).toBe('OOM');
      expect(await store.staging.admit('any', 1)).toMatchObject({ reason: 'memory' });
      expect(
        await store.transition(job.id, {
          status: 'failed',
          processed: 0,
          total: 1,
          error: 'no room',
          attemptId: attempt,
        }),
      ).toBeDefined();
    } finally {
      await client.config('SET', 'maxmemory', '4mb');
    }
    expect(await store.read(job.id)).toMatchObject({ status: 'failed', error: 'no room' });
    expect(await store.inputKind(job.id)).toBe('none');
  });
});
