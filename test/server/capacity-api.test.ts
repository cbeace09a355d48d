/**
 * The service within its own limits, over HTTP, with a real redis-server at a real, small
 * `maxmemory` (noeviction, as deployed) and production-sized files: uploads stream and leave nothing
 * behind when refused; no room answers 503 CAPACITY_EXCEEDED with Retry-After; results come back
 * gzipped or plain; jobs expire; a job whose result Redis refuses ends failed in bounded time.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../app/config.js';
import { startWebServer, type WebServer } from '../../app/server/web-server.js';
import { startWorkerProcess, type WorkerProcess } from '../../app/worker/worker-process.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob } from '../support/api-answers.js';
import { metricValue } from '../../kit/scrape-metrics.js';
import { waitForHttp } from '../../kit/wait-for-http.js';
import { tokenFor, waitForTerminal } from '../support/jobs-client.js';
import { maxSizeCsv } from '../../kit/large-csv.js';

const SECRET = 'capacity-test-secret-of-at-least-32-bytes';
const PREFIX = 'cap';
let redis: RedisServer;
let admin: Redis;
let web: WebServer;
let worker: WorkerProcess;
let token: string;
let config: Config;

beforeAll(async () => {
  redis = await startRedisServer({ maxMemory: '64mb', maxMemoryPolicy: 'noeviction' });
  admin = new Redis(redis.url);
  config = loadConfig({
    JWT_SECRET: SECRET,
    REDIS_URL: redis.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    UPLOADS_PER_MINUTE: '1000',
    STORAGE_WAIT_MS: '1500',
    JOB_RETENTION_SECONDS: '3',
    WORKER_METRICS_PORT: '0',
  });
  web = await startWebServer(config, { prefix: PREFIX });
  worker = await startWorkerProcess(config, { prefix: PREFIX, log: pino({ level: 'silent' }) });
  token = await tokenFor(SECRET, 'capacity-user');
}, 120_000);

afterAll(async () => {
  await worker?.close(1000);
  await web?.close();
  admin?.disconnect();
  await redis?.destroy();
});

/**
 * Waits for `/ready` as the readiness probe does before traffic reaches a pod: a server answers
 * `503 DEPENDENCY_DOWN` until its Redis connections are up, which on a busy machine takes a moment.
 */
function untilReady(url: string): Promise<void> {
  return waitForHttp(`${url}/ready`, { timeoutMs: 10_000 });
}

/** What an upload may leave in Redis: staged pieces and held room. Both must be gone after any answer. */
async function uploadLeftovers(): Promise<{ staged: string[]; reservations: number }> {
  return {
    staged: await admin.keys(`${PREFIX}:upload:*`),
    reservations: await admin.hlen(`${PREFIX}:capacity:uploads`),
  };
}

/** GET with the headers given, read raw (no automatic decompression). */
function rawGet(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const url = new URL(web.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('production-sized files', () => {
  const file = maxSizeCsv();

  it('streams a 50,000-row, 10 MiB upload to a result served gzipped or plain, and keeps neither the input nor anything staged', async () => {
    expect(file.length).toBeGreaterThan(10 * 1024 * 1024 - 2048);
    const upload = createdJob(await uploadCsv(web.url, token, file, { filename: 'max.csv' }));
    expect(upload.total).toBe(50_000);
    const job = await waitForTerminal(web.url, token, upload.id, 120_000);
    expect(job).toMatchObject({ status: 'succeeded', processed: 50_000 });

    const auth = { authorization: `Bearer ${token}` };
    const gzipped = await rawGet(`/jobs/${job.id}/result`, { ...auth, 'accept-encoding': 'gzip, deflate, br' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toMatch(/^text\/csv/);
    expect(gzipped.headers['content-disposition']).toBe('attachment; filename="max-personalized.csv"');
    const plain = await rawGet(`/jobs/${job.id}/result`, auth);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toMatch(/^text\/csv/);
    const text = plain.body.toString('utf8');
    expect(gunzipSync(gzipped.body).toString('utf8')).toBe(text);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('first_name,last_name,company,title,industry,city,email,notes,personalized_line');
    expect(lines.filter((l) => l.startsWith('Ada,') || /^[A-Z][a-z]+,Surname/.test(l))).toHaveLength(50_000);
    // The formula cell of the first row is neutralised in the result.
    expect(lines[1]).toContain(`"'=said ""yes""`);

    expect(await admin.exists(`${PREFIX}:job:${job.id}:input`)).toBe(0);
    expect(await uploadLeftovers()).toEqual({ staged: [], reservations: 0 });
  }, 180_000);

  it('answers a 10 MiB file broken near its end with 400 naming the line, and stores nothing', async () => {
    const broken = Buffer.concat([file.subarray(0, file.length - 200), Buffer.from('\nAda,"unclosed\n')]);
    const lineOfBreak =
      broken
        .subarray(0, broken.length - 15)
        .toString('latin1')
        .split('\n').length + 1;
    const response = await fetch(`${web.url}/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: broken as unknown as BodyInit,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BAD_CSV');
    expect(body.error.message).toContain(`line ${lineOfBreak}`);
    expect(await uploadLeftovers()).toEqual({ staged: [], reservations: 0 });
  }, 60_000);
});

describe('load shedding', () => {
  it('answers 503 CAPACITY_EXCEEDED with Retry-After when Redis has no room, counts it, stores nothing', async () => {
    const before = await metricValue(web.url, 'progress_capacity_rejections_total', { reason: 'memory' });
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    // Redis itself still takes writes (used < maxmemory), but admission's share of it is taken.
    await admin.config('SET', 'maxmemory', String(Math.ceil(used / 0.9) + 1024));
    try {
      const response = await fetch(`${web.url}/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: sampleCsv(5),
      });
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('CAPACITY_EXCEEDED');
      expect(body.error.message).toMatch(/storing too much right now.*retry in \d+ s/);
    } finally {
      await admin.config('SET', 'maxmemory', '64mb');
    }
    expect(await metricValue(web.url, 'progress_capacity_rejections_total', { reason: 'memory' })).toBe(before + 1);
    expect(await uploadLeftovers()).toEqual({ staged: [], reservations: 0 });
    expect((await fetch(`${web.url}/ready`)).status).toBe(200);
    const again = createdJob(await uploadCsv(web.url, token, sampleCsv(5)));
    expect((await waitForTerminal(web.url, token, again.id)).status).toBe('succeeded');
  }, 60_000);

  it('answers 503 CAPACITY_EXCEEDED while the process already receives UPLOAD_CONCURRENCY uploads', async () => {
    const limited = await startWebServer({ ...config, uploadConcurrency: 1 }, { prefix: PREFIX });
    try {
      await untilReady(limited.url);
      const url = new URL(limited.url);
      // One upload that keeps streaming: its headers and first bytes are sent, the rest waits.
      const slow = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/jobs?filename=slow.csv',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
        agent: false,
      });
      const slowAnswer = new Promise<number>((resolve, reject) => {
        slow.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        slow.on('error', reject);
      });
      slow.write('first_name,company\n');
      // It holds the process's one slot once its room is reserved (the slot is taken first).
      await vi.waitFor(async () => expect(await admin.hlen(`${PREFIX}:capacity:uploads`)).toBe(1), {
        timeout: 10_000,
        interval: 20,
      });
      const refused = await fetch(`${limited.url}/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: sampleCsv(2),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('CAPACITY_EXCEEDED');
      slow.end('Ada,Acme\n');
      expect(await slowAnswer).toBe(201);
    } finally {
      await limited.close();
    }
  }, 60_000);

  it('answers 503 CAPACITY_EXCEEDED once MAX_OPEN_JOBS jobs are queued or running', async () => {
    // A Redis of its own: the shared one's memory, still held by the jobs of the tests before (their
    // results expire after JOB_RETENTION_SECONDS), could refuse the first upload for memory instead.
    const own = await startRedisServer({ maxMemory: '64mb', maxMemoryPolicy: 'noeviction' });
    const limited = await startWebServer({ ...config, redisUrl: own.url, maxOpenJobs: 1 }, { prefix: 'backlog' });
    try {
      await untilReady(limited.url);
      const first = await uploadCsv(limited.url, token, sampleCsv(2));
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      // No worker serves this prefix: the first job stays queued and fills the backlog.
      const second = await fetch(`${limited.url}/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: sampleCsv(2),
      });
      expect(second.status).toBe(503);
      expect(second.headers.get('retry-after')).toBe('30');
      expect(((await second.json()) as { error: { message: string } }).error.message).toMatch(
        /1 jobs waiting or running/,
      );
    } finally {
      await limited.close();
      await own.destroy();
    }
  });
});

describe('data lifecycle', () => {
  it('expires a finished job (JOB_RETENTION_SECONDS=3): 404 for it, and GET /jobs neither lists nor counts it', async () => {
    const user = await tokenFor(SECRET, 'short-lived');
    const upload = createdJob(await uploadCsv(web.url, user, sampleCsv(3)));
    await waitForTerminal(web.url, user, upload.id);
    const listed = (await (
      await fetch(`${web.url}/jobs`, { headers: { authorization: `Bearer ${user}` } })
    ).json()) as { total: number };
    expect(listed.total).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    const auth = { authorization: `Bearer ${user}` };
    for (const suffix of ['', '/progress', '/result']) {
      expect((await fetch(`${web.url}/jobs/${upload.id}${suffix}`, { headers: auth })).status).toBe(404);
    }
    expect(await (await fetch(`${web.url}/jobs`, { headers: auth })).json()).toMatchObject({ jobs: [], total: 0 });
  }, 30_000);
});

describe("Redis refusing a job's writes", () => {
  it('ends the job failed with a clear error within STORAGE_WAIT_MS, and frees its input', async () => {
    const upload = createdJob(await uploadCsv(web.url, token, sampleCsv(20_000)));
    await admin.config('SET', 'maxmemory', '1');
    let job;
    try {
      job = await waitForTerminal(web.url, token, upload.id, 30_000);
    } finally {
      await admin.config('SET', 'maxmemory', '64mb');
    }
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/Redis refused to store the result for 2 s \(OOM: it is at its memory limit\)/);
    expect(await admin.exists(`${PREFIX}:job:${job.id}:input`, `${PREFIX}:job:${job.id}:partial`)).toBe(0);
  }, 60_000);

  it('finishes a job once Redis accepts its writes again within STORAGE_WAIT_MS', async () => {
    const upload = createdJob(await uploadCsv(web.url, token, sampleCsv(20_000)));
    await admin.config('SET', 'maxmemory', '1');
    setTimeout(() => {
      void admin.config('SET', 'maxmemory', '64mb');
    }, 400);
    const job = await waitForTerminal(web.url, token, upload.id, 30_000);
    expect(job).toMatchObject({ status: 'succeeded', processed: 20_000 });
  }, 60_000);
});
