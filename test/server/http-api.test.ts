import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { loadConfig } from '../../app/config.js';
import { startWebServer, type WebServer } from '../../app/server/web-server.js';
import { startWorkerProcess, type WorkerProcess } from '../../app/worker/worker-process.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob, jsonAs } from '../support/api-answers.js';
import type { ProgressMessage } from '../../app/domain/progress-message.js';
import { tokenFor, waitForTerminal, type JobJson } from '../support/jobs-client.js';
import { pino } from 'pino';

const SECRET = 'http-api-secret-at-least-32-bytes-long';
let redis: RedisServer;
let web: WebServer;
let worker: WorkerProcess;
let alice: string;
let bob: string;
let firstJob: JobJson;

beforeAll(async () => {
  redis = await startRedisServer();
  const config = loadConfig({
    JWT_SECRET: SECRET,
    REDIS_URL: redis.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    MAX_UPLOAD_BYTES: '4096',
    MAX_ROWS: '50',
    UPLOADS_PER_MINUTE: '1000',
    WORKER_METRICS_PORT: '0',
  });
  web = await startWebServer(config, { prefix: 'http' });
  worker = await startWorkerProcess(config, { prefix: 'http', log: pino({ level: 'silent' }) });
  alice = await tokenFor(SECRET, 'alice');
  bob = await tokenFor(SECRET, 'bob');
  const upload = createdJob(await uploadCsv(web.url, alice, sampleCsv(20), { filename: 'first.csv' }));
  firstJob = await waitForTerminal(web.url, alice, upload.id);
});

afterAll(async () => {
  await worker?.close(1000);
  await web?.close();
  await redis?.destroy();
});

const post = (body: BodyInit, headers: Record<string, string>) =>
  fetch(`${web.url}/jobs`, { method: 'POST', body, headers });
const get = (path: string, token?: string) =>
  fetch(`${web.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error.message;
}

describe('HTTP API', () => {
  it('runs a 20-row upload to succeeded with a 20-row result CSV', async () => {
    expect(firstJob).toMatchObject({
      status: 'succeeded',
      processed: 20,
      total: 20,
      percent: 100,
      error: null,
      filename: 'first.csv',
    });
    const result = await get(`/jobs/${firstJob.id}/result`, alice);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(result.headers.get('content-disposition')).toMatch(/^attachment;/);
    const lines = (await result.text()).trim().split('\n');
    expect(lines[0]).toBe('first_name,company,title,personalized_line');
    expect(lines).toHaveLength(21);
  });

  it('answers health, readiness, config and metrics without a token', async () => {
    expect(await (await get('/health')).json()).toEqual({ status: 'ok' });
    expect((await get('/ready')).status).toBe(200);
    expect(await (await get('/config')).json()).toEqual({ enableWebsocket: true, pollIntervalMs: 2000 });
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/http_requests_total\{route="\/jobs\/:id",method="GET",status="200"\}/);
  });

  it('accepts multipart uploads in the field "file"', async () => {
    const form = new FormData();
    form.append('file', new Blob([sampleCsv(3)], { type: 'text/csv' }), 'form.csv');
    const response = await fetch(`${web.url}/jobs`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(response.status).toBe(201);
    const job = (await response.json()) as JobJson;
    expect(job).toMatchObject({ filename: 'form.csv', total: 3, status: 'queued', seq: 1 });
    expect((await waitForTerminal(web.url, alice, job.id)).status).toBe('succeeded');
  });

  it('serves the progress message and answers 409 for a result that is not ready', async () => {
    const progress = await jsonAs<ProgressMessage>(await get(`/jobs/${firstJob.id}/progress`, alice));
    expect(progress).toMatchObject({ type: 'progress', jobId: firstJob.id, status: 'succeeded', seq: firstJob.seq });
    const failing = createdJob(await uploadCsv(web.url, alice, 'a,b\n1,2\n'));
    // Not asserting on timing: either still running (409) or done (200) is legal, never anything else.
    const early = await get(`/jobs/${failing.id}/result`, alice);
    expect([200, 409]).toContain(early.status);
    if (early.status === 409) await expectError(early, 409, 'RESULT_NOT_READY');
  });

  it('lists jobs newest first with paging', async () => {
    const second = createdJob(await uploadCsv(web.url, alice, sampleCsv(2), { filename: 'second.csv' }));
    const page = (await (await get('/jobs?offset=0&limit=1', alice)).json()) as {
      jobs: JobJson[];
      total: number;
      offset: number;
      limit: number;
    };
    expect(page.jobs.map((j) => j.id)).toEqual([second.id]);
    expect(page).toMatchObject({ offset: 0, limit: 1 });
    expect(page.total).toBeGreaterThanOrEqual(2);
    const defaults = (await (await get('/jobs', alice)).json()) as { limit: number; offset: number };
    expect(defaults).toMatchObject({ offset: 0, limit: 60 });
  });

  describe('bad input', () => {
    const csvHeaders = () => ({ authorization: `Bearer ${alice}`, 'content-type': 'text/csv' });

    it('400 for a malformed CSV, naming the line where the bad record starts', async () => {
      const message = await expectError(await post('a,b\n1,2\n3,"4\n5,6\n', csvHeaders()), 400, 'BAD_CSV');
      expect(message).toContain('line 3');
    });

    it('400 for an empty body, a header-only file and binary garbage', async () => {
      await expectError(await post('', csvHeaders()), 400, 'EMPTY_FILE');
      await expectError(await post('a,b,c\n', csvHeaders()), 400, 'NO_DATA_ROWS');
      await expectError(await post(new Uint8Array([0, 159, 146, 150, 0, 1, 2]), csvHeaders()), 400, 'BAD_CSV');
    });

    it('413 for a file over the size limit, in both upload forms', async () => {
      const big = `a\n${'x'.repeat(5000)}\n`;
      await expectError(await post(big, csvHeaders()), 413, 'PAYLOAD_TOO_LARGE');
      const form = new FormData();
      form.append('file', new Blob([big]), 'big.csv');
      await expectError(await post(form, { authorization: `Bearer ${alice}` }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('422 for too many rows and 415 for other content types', async () => {
      await expectError(await post(sampleCsv(51), csvHeaders()), 422, 'TOO_MANY_ROWS');
      await expectError(
        await post('{"a":1}', { authorization: `Bearer ${alice}`, 'content-type': 'application/json' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      await expectError(
        await post('a\n1\n', { authorization: `Bearer ${alice}`, 'content-type': 'text/plain' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });

    it('401 for missing, expired, forged and alg:none tokens', async () => {
      const key = new TextEncoder().encode(SECRET);
      const expired = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(key);
      const forged = await tokenFor('not-the-secret', 'alice');
      const none = new UnsecuredJWT({ sub: 'alice' }).setExpirationTime('1h').encode();
      await expectError(await get('/jobs'), 401, 'UNAUTHORIZED');
      for (const token of [expired, forged, none, 'garbage']) {
        await expectError(await get('/jobs', token), 401, 'UNAUTHORIZED');
        await expectError(
          await post(sampleCsv(1), { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }),
          401,
          'UNAUTHORIZED',
        );
      }
    });

    it("404 with the same body for another user's job and a missing one", async () => {
      const theirs = await get(`/jobs/${firstJob.id}`, bob);
      const missing = await get('/jobs/00000000-0000-4000-8000-000000000000', bob);
      const malformed = await get('/jobs/..%2F..%2Fetc', bob);
      expect(theirs.status).toBe(404);
      const body = await theirs.text();
      expect(await missing.text()).toBe(body);
      expect(await malformed.text()).toBe(body);
      for (const suffix of ['/progress', '/result']) {
        expect(await (await get(`/jobs/${firstJob.id}${suffix}`, bob)).text()).toBe(body);
      }
      expect(((await (await get('/jobs', bob)).json()) as { total: number }).total).toBe(0);
    });

    it('400 for non-numeric, negative or too large paging values', async () => {
      for (const query of ['offset=abc', 'offset=-1', 'limit=-5', 'limit=1.5', 'limit=101', 'limit=0', 'offset=1e3']) {
        await expectError(await get(`/jobs?${query}`, alice), 400, 'BAD_REQUEST');
      }
      expect((await get('/jobs?limit=100', alice)).status).toBe(200);
    });

    it('404 JSON for an unknown route', async () => {
      await expectError(await get('/nope'), 404, 'NOT_FOUND');
      await expectError(await fetch(`${web.url}/jobs/x/y/z`, { method: 'DELETE' }), 404, 'NOT_FOUND');
    });

    it('still serves normal jobs afterwards and the earlier job is unchanged', async () => {
      const again = await jsonAs<JobJson>(await get(`/jobs/${firstJob.id}`, alice));
      expect(again).toEqual(firstJob);
      const upload = createdJob(await uploadCsv(web.url, alice, sampleCsv(5)));
      expect((await waitForTerminal(web.url, alice, upload.id)).status).toBe('succeeded');
    });
  });
});
