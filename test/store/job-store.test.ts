import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { JobStore } from '../../app/store/job-store.js';
import { parseProgressMessage } from '../../app/domain/progress-message.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

let redis: TestRedis;
let client: Redis;
let subscriber: Redis;
let store: JobStore;

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis(redis.url);
  subscriber = new Redis(redis.url);
  store = new JobStore(client, { prefix: `test-${Date.now()}` });
});

afterAll(async () => {
  client.disconnect();
  subscriber.disconnect();
  await redis.destroy();
});

function collect(channel: string): { messages: string[]; ready: Promise<unknown> } {
  const messages: string[] = [];
  subscriber.on('message', (ch: string, text: string) => { if (ch === channel) messages.push(text); });
  return { messages, ready: subscriber.subscribe(channel) };
}

describe('job store', () => {
  it('creates a queued job with seq 1 owned by its user', async () => {
    const job = await store.create({ userId: 'alice', filename: 'a.csv', inputCsv: 'a\n1\n', total: 1 });
    expect(job).toMatchObject({ status: 'queued', seq: 1, processed: 0, total: 1, percent: 0, error: null, userId: 'alice', filename: 'a.csv' });
    expect(await store.getOwned('alice', job.id)).toBeDefined();
    expect(await store.getOwned('bob', job.id)).toBeUndefined();
    expect(await store.readInput(job.id)).toBe('a\n1\n');
  });

  it('publishes every state change with the exact text it stores, seq growing by one', async () => {
    const job = await store.create({ userId: 'alice', filename: 'b.csv', inputCsv: 'x', total: 4 });
    const { messages, ready } = collect(`job_progress:${job.id}`);
    await ready;
    const texts: (string | undefined)[] = [];
    texts.push(await store.transition(job.id, { status: 'running', processed: 0, total: 4 }));
    texts.push(await store.transition(job.id, { status: 'running', processed: 2, total: 4 }));
    const stored = await store.read(job.id);
    expect(stored?.progressText).toBe(texts[1]);
    texts.push(await store.transition(job.id, { status: 'succeeded', processed: 4, total: 4, resultCsv: 'a,b\n' }));
    await expect.poll(() => messages.length).toBe(3);
    expect(messages).toEqual(texts);
    expect(messages.map((m) => parseProgressMessage(m)?.seq)).toEqual([2, 3, 4]);
    expect(parseProgressMessage(messages[1]!)).toMatchObject({ status: 'running', processed: 2, percent: 50, error: null });
    expect(await store.readResult(job.id)).toBe('a,b\n');
  });

  it('keeps a terminal state final', async () => {
    const job = await store.create({ userId: 'alice', filename: 'c.csv', inputCsv: 'x', total: 2 });
    const failed = await store.transition(job.id, { status: 'failed', processed: 1, total: 2, error: 'boom "quoted"' });
    expect(parseProgressMessage(failed!)).toMatchObject({ status: 'failed', error: 'boom "quoted"', seq: 2 });
    expect(await store.transition(job.id, { status: 'succeeded', processed: 2, total: 2 })).toBeUndefined();
    expect((await store.read(job.id))?.status).toBe('failed');
    expect(await store.transition('00000000-0000-4000-8000-000000000000', { status: 'running', processed: 0, total: 1 })).toBeUndefined();
  });

  it('lists a user\'s jobs newest first, paged, with the total', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await store.create({ userId: 'carol', filename: `${i}.csv`, inputCsv: 'x', total: 1 })).id);
    const first = await store.list('carol', 0, 2);
    const rest = await store.list('carol', 2, 10);
    expect(first.total).toBe(5);
    expect([...first.jobs, ...rest.jobs].map((j) => j.id)).toEqual([...ids].reverse());
    expect(first.jobs[0]).not.toHaveProperty('userId');
    expect((await store.list('nobody', 0, 10))).toEqual({ jobs: [], total: 0 });
  });

  it('tracks open jobs until they are terminal', async () => {
    const job = await store.create({ userId: 'dave', filename: 'd.csv', inputCsv: 'x', total: 1 });
    expect(await store.idleOpenJobs(-1_000)).toContain(job.id);
    await store.transition(job.id, { status: 'succeeded', processed: 1, total: 1 });
    expect(await store.idleOpenJobs(-1_000)).not.toContain(job.id);
  });
});
