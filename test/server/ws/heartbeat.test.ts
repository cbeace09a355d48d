import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';
import { tokenFor } from '../../support/jobs-client.js';
import { metricValue } from '../../../kit/scrape-metrics.js';
import { SECRET, startTestStack, type TestStack } from './support/test-stack.js';
import { watchJob } from './support/ws-client.js';

let redis: RedisServer;
let stack: TestStack;

beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startTestStack(redis, { WS_PING_INTERVAL_MS: '200' });
});

afterAll(async () => {
  await stack?.close();
  await redis?.destroy();
});

describe('heartbeat', () => {
  it('pings every WS_PING_INTERVAL_MS and keeps a peer that answers', async () => {
    const job = await stack.createJob('alice', 1);
    const watched = watchJob(stack.web.url, job.id, { token: await tokenFor(SECRET, 'alice') });
    await watched.firstFrame;
    let pings = 0;
    await new Promise<void>((resolve) =>
      watched.socket.on('ping', () => {
        if (++pings === 3) resolve();
      }),
    );
    expect(watched.socket.readyState).toBe(watched.socket.OPEN);
    await stack.store.transition(job.id, { status: 'succeeded', processed: 1, total: 1 });
    expect((await watched.closed).code).toBe(1000);
  });

  it('drops a peer that does not answer pings', async () => {
    const job = await stack.createJob('bob', 1);
    const silent = watchJob(stack.web.url, job.id, { token: await tokenFor(SECRET, 'bob'), autoPong: false });
    await silent.firstFrame;
    const { code } = await silent.closed;
    expect(code).toBe(1006);
    expect(await metricValue(stack.web.url, 'ws_connections_closed_total', { code: '1006' })).toBeGreaterThanOrEqual(1);
  });
});
