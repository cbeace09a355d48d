import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { UnsecuredJWT } from 'jose';
import { signToken } from '../../../app/auth/tokens.js';
import { progressChannel } from '../../../app/domain/redis-keys.js';
import { connectRedis } from '../../../app/store/redis-connection.js';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';
import { tokenFor } from '../../support/jobs-client.js';
import { metricValue } from '../../../kit/scrape-metrics.js';
import { SECRET, startTestStack, type TestStack } from './support/test-stack.js';
import { isStrictlyIncreasing, rawUpgrade, seqOfFrame, statusOfFrame, until, watchJob } from './support/ws-client.js';

let redis: RedisServer;
let stack: TestStack;
let alice: string;
let bob: string;

beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startTestStack(redis, { WS_MAX_CONNECTIONS_PER_USER: '3', ALLOWED_ORIGINS: 'https://app.example' });
  alice = await tokenFor(SECRET, 'alice');
  bob = await tokenFor(SECRET, 'bob');
});

afterAll(async () => {
  await stack?.close();
  await redis?.destroy();
});

/** Runs a job through `running` 1..total to `succeeded`, as the worker would. */
async function runToEnd(jobId: string, total: number): Promise<void> {
  for (let processed = 1; processed <= total; processed++) {
    await stack.store.transition(jobId, { status: 'running', processed, total });
  }
  await stack.store.transition(jobId, { status: 'succeeded', processed: total, total });
}

describe('WebSocket /ws/jobs/{id}', () => {
  it('sends the current state first, then strictly newer states, the terminal one last, then closes 1000', async () => {
    const job = await stack.createJob('alice', 5);
    const listener = connectRedis(redis.url, 'cli', { failFast: false });
    const published: string[] = [];
    listener.on('message', (_channel: string, text: string) => published.push(text));
    await listener.subscribe(progressChannel(job.id));

    const watched = watchJob(stack.web.url, job.id, { token: alice });
    expect(JSON.parse(await watched.firstFrame)).toMatchObject({
      type: 'progress',
      jobId: job.id,
      status: 'queued',
      seq: 1,
    });
    await runToEnd(job.id, 5);
    const { code, frames } = await watched.closed;
    listener.disconnect();

    expect(code).toBe(1000);
    const seqs = frames.map(seqOfFrame);
    expect(isStrictlyIncreasing(seqs)).toBe(true);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(statusOfFrame(frames.at(-1)!)).toBe('succeeded');
    // Byte-identical to the Redis message and to GET /progress for the same seq.
    for (const frame of frames.slice(1)) expect(published).toContain(frame);
    const progress = await fetch(`${stack.web.url}/jobs/${job.id}/progress`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(await progress.text()).toBe(frames.at(-1));
  });

  it('gives a late subscriber of a finished job its terminal state and 1000', async () => {
    const job = await stack.createJob('alice', 2);
    await runToEnd(job.id, 2);
    const { code, frames } = await watchJob(stack.web.url, job.id, { token: alice }).closed;
    expect(code).toBe(1000);
    expect(frames).toHaveLength(1);
    expect(JSON.parse(frames[0]!)).toMatchObject({ status: 'succeeded', seq: 4 });
  });

  it('accepts the token as the subprotocol pair bearer, <jwt> and selects bearer', async () => {
    const job = await stack.createJob('alice', 1);
    const watched = watchJob(stack.web.url, job.id, { protocols: ['bearer', alice] });
    expect(JSON.parse(await watched.firstFrame)).toMatchObject({ jobId: job.id, seq: 1 });
    expect(watched.socket.protocol).toBe('bearer');
    await runToEnd(job.id, 1);
    expect((await watched.closed).code).toBe(1000);
  });

  describe('refusals (after the upgrade, before any frame)', () => {
    it('closes 4401 for a missing, expired, forged or alg:none token, in both auth forms', async () => {
      const job = await stack.createJob('alice', 1);
      const expired = await signToken(SECRET, 'alice', -60);
      const forged = await tokenFor('someone-elses-secret', 'alice');
      const none = new UnsecuredJWT({}).setSubject('alice').setExpirationTime('1h').encode();
      const attempts = [
        watchJob(stack.web.url, job.id),
        watchJob(stack.web.url, job.id, { token: expired }),
        watchJob(stack.web.url, job.id, { token: forged }),
        watchJob(stack.web.url, job.id, { token: none }),
        watchJob(stack.web.url, job.id, { token: 'not-a-jwt' }),
        watchJob(stack.web.url, job.id, { protocols: ['bearer', forged] }),
        watchJob(stack.web.url, job.id, { protocols: ['bearer', expired] }),
      ];
      for (const attempt of attempts) {
        const { code, frames } = await attempt.closed;
        expect(code).toBe(4401);
        expect(frames).toEqual([]);
      }
      // The upgrade completed with bearer selected even though the token was bad.
      expect(attempts[5]!.socket.protocol).toBe('bearer');
    });

    it("closes 4404 identically for an unknown job, another user's job and a malformed id", async () => {
      const bobsJob = await stack.createJob('bob', 1);
      const results = await Promise.all(
        [randomUUID(), bobsJob.id, 'not-a-job-id'].map((id) => watchJob(stack.web.url, id, { token: alice }).closed),
      );
      for (const result of results) {
        expect(result.code).toBe(4404);
        expect(result.frames).toEqual([]);
      }
      expect(new Set(results.map((r) => r.reason)).size).toBe(1);
      // Bob sees his own job.
      const own = watchJob(stack.web.url, bobsJob.id, { token: bob });
      expect(JSON.parse(await own.firstFrame)).toMatchObject({ jobId: bobsJob.id });
      own.socket.close();
      await own.closed;
    });

    it('closes 4429 past WS_MAX_CONNECTIONS_PER_USER and admits again once a socket left', async () => {
      const carol = await tokenFor(SECRET, 'carol');
      const job = await stack.createJob('carol', 1);
      const held = [1, 2, 3].map(() => watchJob(stack.web.url, job.id, { token: carol }));
      await Promise.all(held.map((w) => w.firstFrame));
      const refused = await watchJob(stack.web.url, job.id, { token: carol }).closed;
      expect(refused).toMatchObject({ code: 4429, frames: [] });
      // Another user is not affected by carol's cap.
      const other = await stack.createJob('dave', 1);
      const dave = watchJob(stack.web.url, other.id, { token: await tokenFor(SECRET, 'dave') });
      await dave.firstFrame;
      held[0]!.socket.close();
      await held[0]!.closed;
      const again = watchJob(stack.web.url, job.id, { token: carol });
      expect(JSON.parse(await again.firstFrame)).toMatchObject({ jobId: job.id });
      for (const w of [...held.slice(1), again, dave]) w.socket.close();
      await Promise.all([...held, again, dave].map((w) => w.closed));
    });

    it('closes 4401 for a browser origin outside ALLOWED_ORIGINS and admits a listed one', async () => {
      const job = await stack.createJob('alice', 1);
      const foreign = await watchJob(stack.web.url, job.id, { token: alice, origin: 'https://evil.example' }).closed;
      expect(foreign).toMatchObject({ code: 4401, frames: [] });
      const listed = watchJob(stack.web.url, job.id, { token: alice, origin: 'https://app.example' });
      await listed.firstFrame;
      listed.socket.close();
      await listed.closed;
      // The server's own page (same host and port) needs no entry in the list.
      const own = watchJob(stack.web.url, job.id, { token: alice, origin: stack.web.url });
      await own.firstFrame;
      own.socket.close();
      await own.closed;
    });
  });

  it('answers an upgrade to an unknown path with HTTP 404 and the JSON error body', async () => {
    const response = await rawUpgrade(stack.web.url, '/ws/nothing-here');
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('closes 1009 for a client frame over 4 KiB and ignores small client frames', async () => {
    const job = await stack.createJob('alice', 1);
    const chatty = watchJob(stack.web.url, job.id, { token: alice });
    await chatty.firstFrame;
    chatty.socket.send('hello');
    await runToEnd(job.id, 1);
    const done = await chatty.closed;
    expect(done.code).toBe(1000);
    expect(done.frames.map(seqOfFrame)).toEqual([1, 2, 3]);

    const other = await stack.createJob('alice', 1);
    const flooding = watchJob(stack.web.url, other.id, { token: alice });
    await flooding.firstFrame;
    flooding.socket.send('x'.repeat(5 * 1024));
    expect((await flooding.closed).code).toBe(1009);
  });

  it("unsubscribes a job's channel when its last socket leaves", async () => {
    const job = await stack.createJob('alice', 1);
    const channel = progressChannel(job.id);
    const numsub = async (): Promise<number> =>
      Number(((await stack.redis.pubsub('NUMSUB', channel)) as [string, number])[1]);
    const a = watchJob(stack.web.url, job.id, { token: alice });
    const b = watchJob(stack.web.url, job.id, { protocols: ['bearer', alice] });
    await Promise.all([a.firstFrame, b.firstFrame]);
    expect(await numsub()).toBe(1);
    a.socket.close();
    await a.closed;
    expect(await numsub()).toBe(1);
    b.socket.close();
    await b.closed;
    await until(async () => (await numsub()) === 0, 'the channel to be unsubscribed');
  });

  it('exposes WebSocket metrics next to http_requests_total', async () => {
    const text = await (await fetch(`${stack.web.url}/metrics`)).text();
    for (const name of [
      'ws_connections_open',
      'ws_connections_opened_total',
      'ws_connections_closed_total',
      'ws_frames_sent_total',
      'ws_frames_coalesced_total',
      'ws_frames_dropped_total',
      'ws_buffered_bytes',
      'progress_redis_subscriptions',
      'progress_delivery_latency_seconds_bucket',
      'http_requests_total',
    ]) {
      expect(text).toContain(`\n${name}`);
    }
    expect(await metricValue(stack.web.url, 'ws_frames_sent_total')).toBeGreaterThan(0);
    expect(await metricValue(stack.web.url, 'ws_connections_closed_total', { code: '4401' })).toBeGreaterThanOrEqual(7);
    expect(await metricValue(stack.web.url, 'progress_delivery_latency_seconds_count')).toBeGreaterThan(0);
    expect(text).toMatch(/http_requests_total\{route="\/ws\/jobs\/:id",method="GET",status="101"\}/);
  });
});
