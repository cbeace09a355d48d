import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { JobStore } from '../../app/store/job-store.js';
import { parseProgressMessage } from '../../app/domain/progress-message.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { createJobFromText } from '../../kit/job-fixtures.js';

let redis: RedisServer;
let client: Redis;
let subscriber: Redis;
let store: JobStore;

beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
  subscriber = new Redis(redis.url);
  store = new JobStore(client, { prefix: `test-${randomUUID()}` });
});

afterAll(async () => {
  client.disconnect();
  subscriber.disconnect();
  await redis.destroy();
});

function collect(channel: string): { messages: string[]; ready: Promise<unknown> } {
  const messages: string[] = [];
  subscriber.on('message', (ch: string, text: string) => {
    if (ch === channel) messages.push(text);
  });
  return { messages, ready: subscriber.subscribe(channel) };
}

async function readAll(pieces: AsyncIterable<Buffer>): Promise<string> {
  const all: Buffer[] = [];
  for await (const piece of pieces) all.push(piece);
  return gunzipSync(Buffer.concat(all)).toString('utf8');
}

describe('job store', () => {
  it('creates a queued job with seq 1 owned by its user, its records stored gzipped', async () => {
    const job = await createJobFromText(store, { userId: 'alice', filename: 'a.csv', inputCsv: 'a\n1\n', total: 1 });
    expect(job).toMatchObject({
      status: 'queued',
      seq: 1,
      processed: 0,
      total: 1,
      percent: 0,
      error: null,
      userId: 'alice',
      filename: 'a.csv',
    });
    expect(await store.getOwned('alice', job.id)).toBeDefined();
    expect(await store.getOwned('bob', job.id)).toBeUndefined();
    expect(await readAll(store.inputPieces(job.id))).toBe('a\n1\n');
  });

  it('publishes every state change with the exact text it stores, seq growing by one', async () => {
    const job = await createJobFromText(store, { userId: 'alice', filename: 'b.csv', inputCsv: 'x', total: 4 });
    const { messages, ready } = collect(`job_progress:${job.id}`);
    await ready;
    const attempt = randomUUID();
    const texts: (string | undefined)[] = [];
    texts.push(await store.startAttempt(job.id, attempt, 0, 4));
    texts.push(await store.transition(job.id, { status: 'running', processed: 2, total: 4, attemptId: attempt }));
    expect((await store.read(job.id))?.progressText).toBe(texts[1]);
    expect(await store.appendResult(job.id, attempt, gzipSync('a,b\n'))).toBe(true);
    texts.push(await store.transition(job.id, { status: 'succeeded', processed: 4, total: 4, attemptId: attempt }));
    await expect.poll(() => messages.length).toBe(3);
    expect(messages).toEqual(texts);
    expect(messages.map((m) => parseProgressMessage(m)?.seq)).toEqual([2, 3, 4]);
    expect(parseProgressMessage(messages[1]!)).toMatchObject({
      status: 'running',
      processed: 2,
      percent: 50,
      error: null,
    });
    expect(await readAll(store.resultPieces(job.id))).toBe('a,b\n');
    expect(await store.inputKind(job.id)).toBe('none');
  });

  it('keeps a terminal state final', async () => {
    const job = await createJobFromText(store, { userId: 'alice', filename: 'c.csv', inputCsv: 'x', total: 2 });
    const failed = await store.transition(job.id, { status: 'failed', processed: 1, total: 2, error: 'boom "quoted"' });
    expect(parseProgressMessage(failed!)).toMatchObject({ status: 'failed', error: 'boom "quoted"', seq: 2 });
    expect(await store.transition(job.id, { status: 'succeeded', processed: 2, total: 2 })).toBeUndefined();
    expect((await store.read(job.id))?.status).toBe('failed');
    expect(
      await store.transition('00000000-0000-4000-8000-000000000000', { status: 'running', processed: 0, total: 1 }),
    ).toBeUndefined();
  });

  it('lets only the newest attempt report, write the result and end the job', async () => {
    const job = await createJobFromText(store, { userId: 'alice', filename: 'd.csv', inputCsv: 'x', total: 3 });
    const old = randomUUID();
    const current = randomUUID();
    await store.startAttempt(job.id, old, 0, 3);
    expect(await store.appendResult(job.id, old, gzipSync('old'))).toBe(true);
    await store.startAttempt(job.id, current, 0, 3);
    expect(await store.appendResult(job.id, old, gzipSync('stale'))).toBe(false);
    expect(
      await store.transition(job.id, { status: 'running', processed: 3, total: 3, attemptId: old }),
    ).toBeUndefined();
    expect(
      await store.transition(job.id, { status: 'succeeded', processed: 3, total: 3, attemptId: old }),
    ).toBeUndefined();
    expect(await store.appendResult(job.id, current, gzipSync('new'))).toBe(true);
    expect(
      await store.transition(job.id, { status: 'succeeded', processed: 3, total: 3, attemptId: current }),
    ).toBeDefined();
    // The old attempt's piece was dropped when the new attempt started.
    expect(await readAll(store.resultPieces(job.id))).toBe('new');
  });

  it("lists a user's jobs newest first, paged, with the total", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await createJobFromText(store, { userId: 'carol', filename: `${i}.csv`, inputCsv: 'x', total: 1 })).id);
    const first = await store.list('carol', 0, 2);
    const rest = await store.list('carol', 2, 10);
    expect(first.total).toBe(5);
    expect([...first.jobs, ...rest.jobs].map((j) => j.id)).toEqual([...ids].reverse());
    expect(first.jobs[0]).not.toHaveProperty('userId');
    expect(await store.list('nobody', 0, 10)).toEqual({ jobs: [], total: 0 });
  });

  it('reads a file stored whole by an earlier version, in gzipped pieces, and tells the worker its input is not readable', async () => {
    const job = await createJobFromText(store, { userId: 'old', filename: 'o.csv', inputCsv: 'a\n1\n', total: 1 });
    const legacy = `a,personalized_line\n${'1,Hi there\n'.repeat(20_000)}`;
    await client.set(store.keys.result(job.id), legacy);
    await client.set(store.keys.input(job.id), 'a\n1\n');
    expect(await readAll(store.resultPieces(job.id))).toBe(legacy);
    expect(await store.inputKind(job.id)).toBe('plain');
  });

  it('tracks open jobs until they are terminal', async () => {
    const job = await createJobFromText(store, { userId: 'dave', filename: 'd.csv', inputCsv: 'x', total: 1 });
    expect(await store.idleOpenJobs(-1_000)).toContain(job.id);
    await store.transition(job.id, { status: 'succeeded', processed: 1, total: 1 });
    expect(await store.idleOpenJobs(-1_000)).not.toContain(job.id);
  });
});

describe('job lifecycle (JOB_RETENTION_SECONDS)', () => {
  const prefix = `life-${randomUUID()}`;
  let short: JobStore;
  beforeAll(() => {
    short = new JobStore(client, { prefix, retentionSeconds: 1 });
  });

  async function succeed(store: JobStore, userId: string): Promise<string> {
    const job = await createJobFromText(store, { userId, filename: 'r.csv', inputCsv: 'a\n1\n', total: 1 });
    const attempt = randomUUID();
    await store.startAttempt(job.id, attempt, 0, 1);
    await store.appendResult(job.id, attempt, gzipSync('a,personalized_line\n1,hi\n'));
    await store.transition(job.id, { status: 'succeeded', processed: 1, total: 1, attemptId: attempt });
    return job.id;
  }

  it('expires a finished job whole: record, result and index entry together, on one clock', async () => {
    const id = await succeed(short, 'erin');
    const [recordTtl, resultTtl] = await Promise.all([
      client.pexpiretime(short.keys.job(id)),
      client.pexpiretime(short.keys.result(id)),
    ]);
    expect(recordTtl).toBeGreaterThan(0);
    expect(resultTtl).toBe(recordTtl);
    expect(await client.zscore(short.keys.userExpiry('erin'), id)).toBe(String(recordTtl));
    expect((await short.list('erin', 0, 10)).total).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await short.read(id)).toBeUndefined();
    expect(await short.hasResult(id)).toBe(false);
    expect(await short.list('erin', 0, 10)).toEqual({ jobs: [], total: 0 });
    // The user's index keys lived exactly as long as their last job.
    expect(await client.exists(short.keys.userJobs('erin'), short.keys.userExpiry('erin'))).toBe(0);
  });

  it('never expires a queued or running job, nor the index while one is open', async () => {
    const open = await createJobFromText(short, { userId: 'fay', filename: 'o.csv', inputCsv: 'x', total: 2 });
    await short.startAttempt(open.id, randomUUID(), 0, 2);
    await succeed(short, 'fay');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await client.pttl(short.keys.job(open.id))).toBe(-1);
    expect(await client.pttl(short.keys.input(open.id))).toBe(-1);
    expect(await client.pttl(short.keys.userJobs('fay'))).toBe(-1);
    const page = await short.list('fay', 0, 10);
    expect(page).toMatchObject({ total: 1, jobs: [{ id: open.id, status: 'running' }] });
  });

  it('lists only jobs whose record exists, and counts exactly those', async () => {
    const ids = [await succeed(store, 'gil'), await succeed(store, 'gil'), await succeed(store, 'gil')];
    await client.del(store.keys.job(ids[1]!));
    const page = await store.list('gil', 0, 2);
    expect(page.total).toBe(2);
    expect(page.jobs.map((j) => j.id)).toEqual([ids[2], ids[0]]);
  });
});
