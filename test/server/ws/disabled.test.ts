import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';
import { tokenFor } from '../../support/jobs-client.js';
import { SECRET, startTestStack, type TestStack } from './support/test-stack.js';
import { jobSocketUrl, rawUpgrade } from './support/ws-client.js';

let redis: RedisServer;
let stack: TestStack;

beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startTestStack(redis, { ENABLE_WEBSOCKET: 'false' });
});

afterAll(async () => {
  await stack?.close();
  await redis?.destroy();
});

describe('ENABLE_WEBSOCKET=false', () => {
  it('refuses the upgrade with HTTP 503 and error code WEBSOCKET_DISABLED', async () => {
    const job = await stack.createJob('alice', 1);
    const response = await rawUpgrade(stack.web.url, `/ws/jobs/${job.id}?token=x`);
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'WEBSOCKET_DISABLED' } });

    const token = await tokenFor(SECRET, 'alice');
    const client = new WebSocket(jobSocketUrl(stack.web.url, job.id, token));
    const status = await new Promise<number>((resolve, reject) => {
      client.on('unexpected-response', (_request, res) => resolve(res.statusCode ?? 0));
      client.on('open', () => reject(new Error('the upgrade should have been refused')));
    });
    expect(status).toBe(503);
  });

  it('tells pages to poll and still answers the progress endpoint', async () => {
    expect(await (await fetch(`${stack.web.url}/config`)).json()).toEqual({
      enableWebsocket: false,
      pollIntervalMs: 2000,
    });
    const job = await stack.createJob('alice', 1);
    const token = await tokenFor(SECRET, 'alice');
    const progress = await fetch(`${stack.web.url}/jobs/${job.id}/progress`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(progress.status).toBe(200);
  });

  it('opens no subscriber connection', async () => {
    const clients = (await stack.redis.client('LIST')) as string;
    expect(clients).not.toContain('name=personalizedline-web-subscriber');
    expect(clients).toContain('name=personalizedline-web ');
  });
});
