/** Publish failures are counted where they happen: a state write (record + PUBLISH) Redis refuses. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../../app/store/redis-connection.js';
import { MeteredJobStore } from '../../../app/worker/metrics/metered-job-store.js';
import { createJobFromText } from '../../../kit/job-fixtures.js';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';

describe('metered job store', () => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await redis.destroy();
  });

  it('counts a refused attempt start, progress write and terminal write by kind, and rethrows', async () => {
    const connection = connectRedis(redis.url, 'worker');
    await new Promise((resolve) => connection.once('ready', resolve));
    const refused: string[] = [];
    const store = new MeteredJobStore(connection, { prefix: `test-${randomUUID()}` }, (kind) => refused.push(kind));
    try {
      const job = await createJobFromText(store, { userId: 'u', filename: 'a.csv', inputCsv: 'a\n1\n', total: 1 });
      expect(await store.startAttempt(job.id, randomUUID(), 0, 1)).toContain('"running"');
      expect(refused).toEqual([]);

      await redis.stop();
      await expect(store.startAttempt(job.id, randomUUID(), 0, 1)).rejects.toThrow();
      await expect(store.transition(job.id, { status: 'running', processed: 1, total: 1 })).rejects.toThrow();
      await expect(
        store.transition(job.id, { status: 'failed', processed: 1, total: 1, error: 'x' }),
      ).rejects.toThrow();
      expect(refused).toEqual(['progress', 'progress', 'terminal']);
    } finally {
      await redis.start();
      connection.disconnect();
    }
  });
});
