/**
 * `npm run status` against a real web server. No worker runs here, so uploaded jobs stay queued and
 * their WebSockets stay open: the connection count and frame count are exact, not timing-dependent.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { REPO_ROOT } from '../../kit/repo-root.js';
import { startWebProcess, type WebProcess } from '../../kit/app-processes.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob } from '../support/api-answers.js';
import { tokenFor } from '../support/jobs-client.js';
import { readRedisHealth, scrapeMetrics } from '../../scripts/ops/status/collect-status.js';
import { buildStatusReport } from '../../scripts/ops/status/status-report.js';
import { runScript } from './support/run-script.js';

const SECRET = 'status-test-secret-at-least-32-bytes';

describe('npm run status', () => {
  let redis: RedisServer;
  let web: WebProcess;
  let token: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    web = await startWebProcess({ REDIS_URL: redis.url, JWT_SECRET: SECRET });
    token = await tokenFor(SECRET, 'status-user');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await web?.stop();
    await redis?.destroy();
  });

  /** Uploads a job (it stays queued) and opens its WebSocket; resolves on the first frame. */
  const openJobSocket = async (): Promise<void> => {
    const job = createdJob(await uploadCsv(web.url, token, sampleCsv(2)));
    const socket = new WebSocket(`${web.url.replace('http', 'ws')}/ws/jobs/${job.id}`, ['bearer', token]);
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('message', () => resolve());
      socket.once('close', (code) => reject(new Error(`closed ${code} before the first frame`)));
    });
  };

  it('counts open connections, frames and polling requests between two scrapes', async () => {
    const first = await scrapeMetrics(web.url);
    await openJobSocket();
    await openJobSocket();
    const job = createdJob(await uploadCsv(web.url, token, sampleCsv(1)));
    for (let i = 0; i < 3; i++)
      await fetch(`${web.url}/jobs/${job.id}/progress`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${web.url}/jobs?offset=0&limit=60`, { headers: { authorization: `Bearer ${token}` } });
    const second = await scrapeMetrics(web.url);
    const report = buildStatusReport(first, second, await readRedisHealth(web.url), true);

    expect(report.connectionsOpen).toBe(2);
    // Each socket got exactly its snapshot frame.
    expect(report.framesPerSecond! * report.intervalSeconds).toBeCloseTo(2, 6);
    // 3 progress polls and 1 list poll; the uploads are POSTs and /metrics is not polling.
    expect(report.pollingRequestsPerSecond! * report.intervalSeconds).toBeCloseTo(4, 6);
    expect(report.httpRequestsPerSecond! * report.intervalSeconds).toBeGreaterThanOrEqual(7 - 1e-6);
    expect(report.redis).toEqual({ ready: true, detail: 'GET /ready 200' });
  });

  it('prints connections, rates, the WebSocket switch and Redis health; exit 0', async () => {
    const run = await runScript('status.ts', ['--url', web.url, '--interval', '0.5'], {
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(run.stdout).toMatch(/^websocket\s+enabled$/m);
    expect(run.stdout).toMatch(/^connections open\s+2$/m);
    expect(run.stdout).toMatch(/^frames sent\s+\d+\.\d\d\/s \(over 0\.\d s\)$/m);
    expect(run.stdout).toMatch(/^polling requests\s+\d+\.\d\d\/s /m);
    expect(run.stdout).toMatch(/^redis\s+ready \(GET \/ready 200\)$/m);
    // No worker runs: the three uploads of the first test wait; nothing was delivered meanwhile.
    expect(run.stdout).toMatch(/^jobs\s+3 waiting, 0 running, 0 failed in the last hour$/m);
    expect(run.stdout).toMatch(/^delivery p99\s+n\/a \(no deliveries over 0\.\d s\)$/m);
    expect(run.code).toBe(0);
  });

  it('redraws the view every interval with --watch, keeps going while the server is away, and exits 0 on Ctrl-C', async () => {
    const watch = (url: string) =>
      spawn(
        process.execPath,
        ['--import', 'tsx', join(REPO_ROOT, 'scripts/status.ts'), '--url', url, '--interval', '0.3', '--watch'],
        {
          cwd: REPO_ROOT,
          env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    for (const [url, line] of [
      [web.url, /^connections open\s+2$/m],
      ['http://127.0.0.1:1', /^unavailable\s+GET http:\/\/127\.0\.0\.1:1\/metrics failed/m],
    ] as const) {
      const child = watch(url);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const deadline = Date.now() + 30_000;
      while ((out.match(/Ctrl-C stops/g) ?? []).length < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      expect(await exited, out).toBe(0);
      expect((out.match(/every 0\.3 s, Ctrl-C stops {2}\d\d:\d\d:\d\d UTC/g) ?? []).length, out).toBeGreaterThanOrEqual(
        3,
      );
      expect(out).toMatch(line);
    }
  });

  it('answers JSON with --json', async () => {
    const run = await runScript('status.ts', ['--url', web.url, '--interval', '0.2', '--json'], {
      env: { PATH: '/usr/bin:/bin' },
    });
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      connectionsOpen: 2,
      websocketEnabled: true,
      redis: { ready: true },
      jobsWaiting: 3,
      jobsRunning: 0,
    });
    expect(report).not.toHaveProperty('scrape');
    expect(run.code).toBe(0);
  });

  it('reports Redis down and exits 1 while Redis is stopped', async () => {
    await redis.stop();
    try {
      const run = await runScript('status.ts', ['--url', web.url, '--interval', '0.2'], {
        env: { PATH: '/usr/bin:/bin' },
      });
      expect(run.stdout).toMatch(/^redis\s+DOWN \(GET \/ready 503: DEPENDENCY_DOWN/m);
      expect(run.code).toBe(1);
    } finally {
      await redis.start();
    }
  });

  it('fails with the reason when /metrics does not answer, and refuses bad arguments', async () => {
    const down = await runScript('status.ts', ['--url', 'http://127.0.0.1:1', '--interval', '0.1'], {
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(down.stderr).toContain('GET http://127.0.0.1:1/metrics failed');
    expect(down.code).toBe(1);
    const bad = await runScript('status.ts', ['--url', 'http://127.0.0.1:1', '--interval', 'soon'], {
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(bad.stderr).toContain('--interval must be a positive number of seconds');
    expect(bad.code).toBe(2);
  });
});
