/** An in-process web server on a real Redis, plus a store on the same prefix to drive job states. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../../../app/config.js';
import { startWebServer, type WebServer } from '../../../../app/server/web-server.js';
import { JobStore, type JobRecord } from '../../../../app/store/job-store.js';
import { connectRedis } from '../../../../app/store/redis-connection.js';
import type { RedisServer } from '../../../../kit/redis-server.js';
import { tokenFor } from '../../../support/jobs-client.js';
import { watchJob } from './ws-client.js';
import { createJobFromText } from '../../../../kit/job-fixtures.js';

export interface TestStack {
  readonly web: WebServer;
  readonly store: JobStore;
  /** A plain command connection for the test's own Redis checks. */
  readonly redis: Redis;
  createJob(userId: string, total?: number): Promise<JobRecord>;
  close(): Promise<void>;
}

export async function startTestStack(testRedis: RedisServer, env: Record<string, string> = {}): Promise<TestStack> {
  const prefix = `test-${randomUUID()}`;
  const config = loadConfig({
    JWT_SECRET: 'ws-secret-at-least-32-bytes-long-hs256',
    REDIS_URL: testRedis.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const web = await startWebServer(config, { prefix });
  if (config.enableWebsocket) await waitForRelay(web.url);
  const redis = connectRedis(testRedis.url, 'cli', { failFast: false });
  const store = new JobStore(redis, { prefix });
  return {
    web,
    store,
    redis,
    createJob: (userId, total = 10) =>
      createJobFromText(store, { userId, filename: 'job.csv', inputCsv: 'a\n1\n', total }),
    close: async () => {
      await web.close();
      redis.disconnect();
    },
  };
}

export const SECRET = 'ws-secret-at-least-32-bytes-long-hs256';

/**
 * Waits until the server's progress relay is subscribed and ready, the way a client would: an unknown
 * job answers `1013` while Redis (the subscriber) is not ready and `4404` once it is.
 */
export async function waitForRelay(baseUrl: string, timeoutMs = 20_000): Promise<void> {
  const token = await tokenFor(SECRET, 'probe');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { code } = await watchJob(baseUrl, randomUUID(), { token }).closed;
    if (code === 4404) return;
    if (Date.now() > deadline) throw new Error(`WebSocket relay not ready within ${timeoutMs} ms (last close ${code})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
