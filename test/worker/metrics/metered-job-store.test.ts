/** Publish failures are counted where they happen: a state write (record + PUBLISH) Redis refuses. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../../app/store/redis-connection.js';
import { MeteredJobStore } from '../../../app/worker/metrics/metered-job-store.js';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';

describe('metered job store', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await redis.destroy();
  });

  it('counts a refused progress write and a refused terminal write by kind, and rethrows', async () => {
    const connection = connectRedis(redis.url, 'worker');
    await new Promise((resolve) => connection.once('ready', resolve));
    const refused: string[] = [];
    const store = new MeteredJobStore(connection, { prefix: `test-${randomUUID()}` }, (kind) => refused.push(kind));
    try {
      const job = await store.create({ userId: 'u', filename: 'a.csv', inputCsv: 'a\n1\n', total: 1 });
      expect(await store.transition(job.id, { status: 'running', processed: 0, total: 1 })).toContain('"running"');
      expect(refused).toEqual([]);

      await redis.stop();
      await expect(store.transition(job.id, { status: 'running', processed: 1, total: 1 })).rejects.toThrow();
      await expect(store.transition(job.id, { status: 'succeeded', processed: 1, total: 1, resultCsv: 'x' })).rejects.toThrow();
      expect(refused).toEqual(['progress', 'terminal']);
    } finally {
      await redis.start();
      connection.disconnect();
    }
  });
});
