/**
 * The queue gauges web and worker export, against a real Redis and a real BullMQ queue: counts, the
 * age of the oldest waiting job, the failures of the last hour, and no sample while Redis is down.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../app/domain/redis-keys.js';
import { createJobQueue, enqueueJob } from '../../app/queue.js';
import { queueSnapshotReader, registerQueueGauges } from '../../app/queue-gauges.js';
import { connectRedis } from '../../app/store/redis-connection.js';
import { countRecentFailures, recordFailure } from '../../app/store/recent-failures.js';
import { parsePrometheusText, sumOf } from '../../kit/prometheus-text.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';

describe('queue gauges', () => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await redis.destroy();
  });

  const setUp = async () => {
    const prefix = `test-${randomUUID()}`;
    const connection = connectRedis(redis.url, 'web-queue');
    if (connection.status !== 'ready') await new Promise((resolve) => connection.once('ready', resolve));
    const keys = redisKeys(prefix);
    const queue = createJobQueue(connection, keys.queuePrefix);
    return { prefix, connection, queue, keys };
  };

  it('counts waiting jobs and ages the oldest one, not the newest', async () => {
    const { connection, queue, keys } = await setUp();
    try {
      await enqueueJob(queue, randomUUID());
      const queuedFirst = Date.now();
      await new Promise((r) => setTimeout(r, 50));
      await enqueueJob(queue, randomUUID());
      const later = Date.now() + 60_000;
      const snapshot = await queueSnapshotReader({ queue, redis: connection, keys, now: () => later })();
      expect(snapshot?.waiting).toBe(2);
      expect(snapshot?.running).toBe(0);
      // The first job's age: at least 60 s, and no more than the time since it was queued plus 60 s.
      expect(snapshot!.oldestWaitingAgeSeconds).toBeGreaterThanOrEqual(60);
      expect(snapshot!.oldestWaitingAgeSeconds).toBeLessThanOrEqual((later - queuedFirst + 100) / 1000);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('says 0 for the oldest age when nothing waits', async () => {
    const { connection, queue, keys } = await setUp();
    try {
      expect(await queueSnapshotReader({ queue, redis: connection, keys })()).toEqual({
        waiting: 0,
        running: 0,
        oldestWaitingAgeSeconds: 0,
        failedLastHour: 0,
      });
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('sums the failures of the last 60 minutes and forgets older ones (keys expire)', async () => {
    const { connection, queue, keys } = await setUp();
    try {
      const now = Date.now();
      await recordFailure(connection, keys, now);
      await recordFailure(connection, keys, now - 30 * 60_000);
      await recordFailure(connection, keys, now - 61 * 60_000);
      expect(await countRecentFailures(connection, keys, now)).toBe(2);
      const ttl = await connection.ttl(keys.failuresInMinute(Math.floor(now / 60_000)));
      expect(ttl).toBeGreaterThan(3600);
      expect(ttl).toBeLessThanOrEqual(7200);
      expect((await queueSnapshotReader({ queue, redis: connection, keys, now: () => now })())?.failedLastHour).toBe(2);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('writes the four gauges from one read, and no sample at all while Redis is down', async () => {
    const { connection, queue, keys } = await setUp();
    const registry = new Registry();
    let reads = 0;
    const read = queueSnapshotReader({ queue, redis: connection, keys });
    registerQueueGauges(registry, () => {
      reads++;
      return read();
    });
    try {
      await enqueueJob(queue, randomUUID());
      const up = parsePrometheusText(await registry.metrics());
      expect(reads).toBe(1);
      expect(sumOf(up, 'queue_jobs_waiting')).toBe(1);
      expect(sumOf(up, 'queue_jobs_running')).toBe(0);
      expect(sumOf(up, 'queue_oldest_waiting_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(sumOf(up, 'queue_jobs_failed_last_hour')).toBe(0);

      await redis.stop();
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (connection.status !== 'ready') resolve();
          else setTimeout(check, 20);
        };
        check();
      });
      const down = await registry.metrics();
      for (const name of [
        'queue_jobs_waiting',
        'queue_jobs_running',
        'queue_oldest_waiting_age_seconds',
        'queue_jobs_failed_last_hour',
      ]) {
        expect(sumOf(parsePrometheusText(down), name), name).toBeUndefined();
        expect(down, name).toContain(`# TYPE ${name} gauge`);
      }
    } finally {
      await redis.start();
      await queue.close();
      connection.disconnect();
    }
  });
});
