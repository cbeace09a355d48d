import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../../../app/config.js';
import { WebMetrics } from '../../../app/server/metrics.js';
import { ConnectionSlots } from '../../../app/server/ws/connection-slots.js';
import { attachWebSocketEndpoint, type WebSocketEndpoint } from '../../../app/server/ws/websocket-endpoint.js';
import { JobStore } from '../../../app/store/job-store.js';
import { connectRedis } from '../../../app/store/redis-connection.js';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';
import { tokenFor } from '../../support/jobs-client.js';
import { SECRET, startTestStack, waitForRelay, type TestStack } from './support/test-stack.js';
import { seqOfFrame, statusOfFrame, watchJob, type Watched } from './support/ws-client.js';
import { createJobFromText } from '../../../kit/job-fixtures.js';

let redis: RedisServer;
let alice: string;

beforeAll(async () => {
  redis = await startRedisServer();
  alice = await tokenFor(SECRET, 'alice');
});

afterAll(async () => {
  await redis?.destroy();
});

/** Every frame after the first is exactly the next `seq`: nothing skipped, nothing repeated. */
function expectComplete(frames: readonly string[]): void {
  const seqs = frames.map(seqOfFrame);
  expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  expect(statusOfFrame(frames.at(-1)!)).toBe('succeeded');
}

describe('the subscribe-then-snapshot race', () => {
  describe('at the seam: state changes published while the gateway reads the snapshot', () => {
    let server: Server;
    let endpoint: WebSocketEndpoint;
    let commands: Redis;
    let store: JobStore;
    let baseUrl: string;
    /** Jobs whose snapshot read is surrounded by a burst of 20 changes before and 20 after it. */
    const bursty = new Set<string>();

    const runningTo = async (jobId: string, from: number, to: number, total: number): Promise<void> => {
      for (let processed = from; processed <= to; processed++)
        await store.transition(jobId, { status: 'running', processed, total });
    };

    beforeAll(async () => {
      const prefix = `test-${randomUUID()}`;
      commands = connectRedis(redis.url, 'cli', { failFast: false });
      store = new JobStore(commands, { prefix });
      // The real store, read through a seam that publishes real state changes on both sides of the read:
      // after the gateway's SUBSCRIBE was confirmed and before the snapshot frame is sent.
      const seam = {
        read: async (jobId: string) => {
          if (!bursty.has(jobId)) return store.read(jobId);
          await runningTo(jobId, 1, 20, 100);
          const record = await store.read(jobId);
          await runningTo(jobId, 21, 40, 100);
          return record;
        },
      };
      const config = loadConfig({ JWT_SECRET: SECRET, REDIS_URL: redis.url });
      server = createServer((_request, response) => response.writeHead(404).end());
      endpoint = attachWebSocketEndpoint(server, {
        config,
        store: seam,
        metrics: new WebMetrics({ collectDefaults: false }),
        log: pino({ level: 'silent' }),
        subscriber: connectRedis(redis.url, 'web-subscriber'),
        slots: new ConnectionSlots(commands, {
          keys: store.keys,
          max: config.wsMaxConnectionsPerUser,
          leaseMs: config.wsSlotLeaseMs,
          log: pino({ level: 'silent' }),
        }),
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await waitForRelay(baseUrl);
    });

    afterAll(async () => {
      await endpoint?.drain();
      await new Promise((resolve) => server?.close(resolve));
      commands?.disconnect();
    });

    it('delivers every change, in order, after a snapshot that already holds the first burst', async () => {
      const job = await createJobFromText(store, {
        userId: 'alice',
        filename: 'race.csv',
        inputCsv: 'a\n1\n',
        total: 100,
      });
      bursty.add(job.id);
      const watched = watchJob(baseUrl, job.id, { token: alice });
      // seq 1 was the create; the first burst of 20 is in the snapshot.
      expect(seqOfFrame(await watched.firstFrame)).toBe(21);
      await runningTo(job.id, 41, 60, 100);
      await store.transition(job.id, { status: 'succeeded', processed: 100, total: 100 });
      const { code, frames } = await watched.closed;
      expect(code).toBe(1000);
      expectComplete(frames);
      expect(frames.map(seqOfFrame)).toEqual(Array.from({ length: 42 }, (_, i) => 21 + i));
    });
  });

  describe('through the real server: clients connecting during a burst', () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await startTestStack(redis, { WS_MAX_CONNECTIONS_PER_USER: '100' });
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('gives every client a complete, ordered stream from its snapshot to the terminal state', async () => {
      const total = 300;
      const job = await stack.createJob('alice', total);
      const clients: Watched[] = [];
      for (let processed = 1; processed <= total; processed++) {
        // A new client every 10 changes, its connection racing the changes that follow.
        if (processed % 10 === 0) clients.push(watchJob(stack.web.url, job.id, { token: alice }));
        void stack.store.transition(job.id, { status: 'running', processed, total });
        if (processed % 5 === 0) await stack.store.transition(job.id, { status: 'running', processed, total });
      }
      await Promise.all(clients.map((c) => c.firstFrame));
      await stack.store.transition(job.id, { status: 'succeeded', processed: total, total });
      for (const client of clients) {
        const { code, frames } = await client.closed;
        expect(code).toBe(1000);
        expectComplete(frames);
      }
      // The clients did join at different points of the burst.
      expect(new Set(clients.map((c) => seqOfFrame(c.frames[0]!))).size).toBeGreaterThan(1);
    });
  });
});
