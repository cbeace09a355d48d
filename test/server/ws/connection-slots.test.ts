/**
 * The per-user WebSocket cap across web processes, in Redis: each `ConnectionSlots` here has its own
 * connection, as each web process has; the processes themselves (and haproxy in front of them) are
 * in test/e2e/scale-out.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys, type RedisKeys } from '../../../app/domain/redis-keys.js';
import { ConnectionSlots } from '../../../app/server/ws/connection-slots.js';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';

let redis: RedisServer;
let admin: Redis;
const opened: { slots: ConnectionSlots; connection: Redis }[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
});

afterEach(async () => {
  for (const { slots, connection } of opened.splice(0)) {
    await slots.close();
    connection.disconnect();
  }
});

afterAll(async () => {
  admin?.disconnect();
  await redis?.destroy();
});

/** `count` processes' slots on one prefix; started (renewing) unless told otherwise. */
function processes(
  count: number,
  max: number,
  leaseMs: number,
  keys: RedisKeys = redisKeys(`test-${randomUUID()}`),
  start = true,
): ConnectionSlots[] {
  return Array.from({ length: count }, () => {
    const connection = new Redis(redis.url);
    const slots = new ConnectionSlots(connection, { keys, max, leaseMs, log: pino({ level: 'silent' }) });
    if (start) slots.start();
    opened.push({ slots, connection });
    return slots;
  });
}

describe('WebSocket slots across processes', () => {
  it('admits exactly the cap when three processes race for one user, and not another user', async () => {
    const three = processes(3, 20, 15_000);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => three[i % 3]!.tryAcquire('alice')));
    expect(results.filter(Boolean)).toHaveLength(20);
    expect(await three[1]!.tryAcquire('bob')).toBe(true);
  });

  it('frees a slot for any process once one process gives it back', async () => {
    const [a, b] = processes(2, 2, 15_000);
    expect([await a!.tryAcquire('carol'), await a!.tryAcquire('carol'), await b!.tryAcquire('carol')]).toEqual([
      true,
      true,
      false,
    ]);
    a!.release('carol');
    expect(await b!.tryAcquire('carol')).toBe(true);
    expect(await b!.tryAcquire('carol')).toBe(false);
  });

  it("stops counting a dead process' sockets one lease after its last renewal, and its keys expire", async () => {
    const keys = redisKeys(`test-${randomUUID()}`);
    // The dead process: it took its slots (which registers its lease) and then never renewed.
    const [dead] = processes(1, 3, 1_500, keys, false);
    const [alive] = processes(1, 3, 1_500, keys);
    for (let i = 0; i < 3; i++) expect(await dead!.tryAcquire('dave')).toBe(true);
    expect(await alive!.tryAcquire('dave')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    expect(await alive!.tryAcquire('dave')).toBe(true);
    expect(await admin.exists(keys.wsSlots(dead!.processId))).toBe(0);
    expect(await admin.zscore(keys.wsLeases, dead!.processId)).toBeNull();
    // The live process' own keys carry the lease as their expiry.
    expect(await admin.pttl(keys.wsSlots(alive!.processId))).toBeGreaterThan(0);
    expect(await admin.pttl(keys.wsLeases)).toBeLessThanOrEqual(1_500);
  });

  it('rewrites its own slots from its own count when Redis lost them', async () => {
    const keys = redisKeys(`test-${randomUUID()}`);
    const [a, b] = processes(2, 2, 15_000, keys);
    expect(await a!.tryAcquire('erin')).toBe(true);
    expect(await a!.tryAcquire('erin')).toBe(true);
    await admin.del(keys.wsSlots(a!.processId));
    await a!.renew();
    expect(await admin.hget(keys.wsSlots(a!.processId), 'erin')).toBe('2');
    expect(await b!.tryAcquire('erin')).toBe(false);
  });

  it('removes its lease and slots on a clean close', async () => {
    const keys = redisKeys(`test-${randomUUID()}`);
    const [a, b] = processes(2, 1, 15_000, keys);
    expect(await a!.tryAcquire('frank')).toBe(true);
    await a!.close();
    expect(await admin.exists(keys.wsSlots(a!.processId))).toBe(0);
    expect(await admin.zscore(keys.wsLeases, a!.processId)).toBeNull();
    expect(await b!.tryAcquire('frank')).toBe(true);
  });
});
