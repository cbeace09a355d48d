/**
 * CORS and the HTTPS headers against the real server process (`app/server/main.ts`), a real worker
 * and a real redis-server: what a browser page on another origin gets, what everyone else gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { tokenFor, waitForTerminal } from '../support/jobs-client.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';

const SECRET = 'cors-test-secret-at-least-32-bytes-long';
const FRONTEND = 'https://app.example';
const OTHER = 'https://evil.example';

let redis: RedisServer;
let web: WebProcess;
let sameOriginOnly: WebProcess;
let worker: NodeProcess;
let token: string;

beforeAll(async () => {
  redis = await startRedisServer();
  const env = { REDIS_URL: redis.url, JWT_SECRET: SECRET };
  [web, sameOriginOnly, worker] = await Promise.all([
    startWebProcess({
      ...env,
      LOG_LEVEL: 'warn',
      ALLOWED_ORIGINS: `${FRONTEND},http://localhost:3000`,
      TRUST_PROXY: '127.0.0.1',
    }),
    startWebProcess({ ...env, LOG_LEVEL: 'warn' }),
    startWorkerProcess(env),
  ]);
  token = await tokenFor(SECRET, 'cora');
}, 60_000);

afterAll(async () => {
  await Promise.all([web?.stop(), sameOriginOnly?.stop(), worker?.stop('SIGKILL')]);
  await redis?.destroy();
});

/** The preflight a browser sends before `fetch(POST /jobs, {headers: {Authorization, Content-Type}})`. */
function preflight(base: string, path: string, origin: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
}

const headerList = (response: Response, name: string): string[] =>
  (response.headers.get(name) ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);

describe('CORS for an origin in ALLOWED_ORIGINS', () => {
  it('answers the preflight of POST /jobs with 204, that origin, and Authorization and Content-Type allowed', async () => {
    const response = await preflight(web.url, '/jobs', FRONTEND);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(headerList(response, 'access-control-allow-headers')).toEqual(
      expect.arrayContaining(['authorization', 'content-type']),
    );
    expect(headerList(response, 'access-control-allow-methods')).toContain('post');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(headerList(response, 'vary')).toContain('origin');
    expect(await response.text()).toBe('');
  });

  it('answers the preflight of any route, the second listed origin included', async () => {
    for (const path of ['/jobs/00000000-0000-4000-8000-000000000000/result', '/config', '/no-such-route']) {
      const response = await preflight(web.url, path, 'http://localhost:3000');
      expect(response.status, path).toBe(204);
      expect(response.headers.get('access-control-allow-origin'), path).toBe('http://localhost:3000');
    }
  });

  it('puts the header on actual answers, exposes Content-Disposition, and the upload works across origins', async () => {
    const upload = await fetch(`${web.url}/jobs?filename=cross.csv`, {
      method: 'POST',
      headers: { origin: FRONTEND, authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: sampleCsv(3),
    });
    expect(upload.status).toBe(201);
    expect(upload.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    const job = (await upload.json()) as { id: string };
    await waitForTerminal(web.url, token, job.id);

    const result = await fetch(`${web.url}/jobs/${job.id}/result`, {
      headers: { origin: FRONTEND, authorization: `Bearer ${token}` },
    });
    expect(result.status).toBe(200);
    expect(result.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(headerList(result, 'access-control-expose-headers')).toContain('content-disposition');
    expect(result.headers.get('content-disposition')).toMatch(/attachment; filename="cross-personalized\.csv"/);

    // Errors are answers too: a page must be able to read a 401's JSON.
    const refused = await fetch(`${web.url}/jobs`, { headers: { origin: FRONTEND } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(FRONTEND);
  });
});

describe('CORS for any other origin', () => {
  it('gives neither the preflight nor the answer an Access-Control-Allow-Origin', async () => {
    const pre = await preflight(web.url, '/jobs', OTHER);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const list = await fetch(`${web.url}/jobs`, { headers: { origin: OTHER, authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    expect(list.headers.get('access-control-allow-origin')).toBeNull();
    // A listed origin with a path, or the same host on another scheme, is another origin.
    const near = await fetch(`${web.url}/config`, { headers: { origin: 'http://app.example' } });
    expect(near.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves clients without an Origin header (curl, verify, other servers) as they were', async () => {
    const response = await fetch(`${web.url}/jobs`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('an empty ALLOWED_ORIGINS: same origin only', () => {
  it("answers no origin with CORS, while the server's own page and its requests work", async () => {
    const pre = await preflight(sameOriginOnly.url, '/jobs', FRONTEND);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${sameOriginOnly.url}/config`, { headers: { origin: FRONTEND } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();

    const page = await fetch(`${sameOriginOnly.url}/`);
    expect(page.status).toBe(200);
    // A same-origin POST carries Origin too; it needs no CORS answer and is served.
    const upload = await fetch(`${sameOriginOnly.url}/jobs?filename=own.csv`, {
      method: 'POST',
      headers: { origin: sameOriginOnly.url, authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: sampleCsv(1),
    });
    expect(upload.status).toBe(201);
  });
});

describe('HSTS', () => {
  it('is sent when a trusted proxy says the request came over HTTPS, and not over plain HTTP', async () => {
    const plain = await fetch(`${web.url}/health`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const proxied = await fetch(`${web.url}/health`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(proxied.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('ignores X-Forwarded-Proto when TRUST_PROXY trusts no proxy (the default)', async () => {
    const spoofed = await fetch(`${sameOriginOnly.url}/health`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
  });
});
