/**
 * The runbook's check 4 (docs/runbook.md#testing): with WebSocket off the page still reaches 100% by
 * polling and opens no WebSocket. And the headline claim: requests the page makes while it watches
 * 3 running jobs, polling against WebSocket, over the same 30 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebProcess } from '../../kit/app-processes.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob, jsonAs } from '../support/api-answers.js';
import type { Job } from '../../app/domain/job.js';
import { browserMissing, launchBrowser, reportSkip, type TestBrowser } from './support/browser.js';
import { openJobsPage, percentShown, uploadThroughPage, waitForStatus } from './support/jobs-page.js';
import { startStack, type Stack } from './support/stack.js';

reportSkip('test/e2e/polling.test.ts');

describe.skipIf(browserMissing() !== undefined)('jobs page with WebSocket off', () => {
  let stack: Stack;
  let pollingWeb: WebProcess;
  let liveWeb: WebProcess;
  let browser: TestBrowser;

  beforeAll(async () => {
    // Two web servers on one Redis and worker: the same jobs, watched by polling and by WebSocket.
    stack = await startStack({ rowDelayMs: 50 });
    [pollingWeb, liveWeb, browser] = await Promise.all([
      stack.startWeb({ ENABLE_WEBSOCKET: 'false' }),
      stack.startWeb({ LOG_LEVEL: 'info' }),
      launchBrowser(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('reaches 100% by polling GET /jobs/{id}/progress and opens no WebSocket (runbook check 4)', async () => {
    const page = await browser.newPage();
    const sockets: string[] = [];
    const progressRequests: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    page.on('request', (request) => {
      if (/\/jobs\/[^/]+\/progress$/.test(new URL(request.url()).pathname)) progressRequests.push(request.url());
    });
    await openJobsPage(page, pollingWeb.url, await stack.token('poller'));
    expect(await page.locator('#mode').textContent()).toBe('Updates every 2 s');

    const job = await uploadThroughPage(page, 'polled.csv', sampleCsv(60));
    expect(await page.locator(`[data-job-id="${job.id}"]`).getAttribute('data-transport')).toBe('polling');
    await waitForStatus(page, job.id, 'succeeded');

    expect(await percentShown(page, job.id)).toBe(100);
    expect(progressRequests.length).toBeGreaterThan(0);
    expect(progressRequests.every((url) => url.includes(job.id))).toBe(true);
    expect(sockets).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  }, 90_000);

  it(`makes at least ${100 - MAX_WEBSOCKET_SHARE * 100}% fewer requests with WebSocket than by polling while 3 jobs run`, async () => {
    const token = await stack.token('counter');
    // 1000 rows at 50 ms: each job runs at least 50 s, longer than page load plus the window.
    const jobIds: string[] = [];
    for (const name of ['one.csv', 'two.csv', 'three.csv']) {
      jobIds.push(createdJob(await uploadCsv(pollingWeb.url, token, sampleCsv(1000), { filename: name })).id);
    }
    const polling = await watchedPage(pollingWeb.url, token, jobIds, 'polling');
    const live = await watchedPage(liveWeb.url, token, jobIds, 'websocket');

    polling.reset();
    live.reset();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const pollingCount = polling.count();
    const liveCount = live.count();

    // The window really covered 3 running jobs.
    for (const id of jobIds) {
      const response = await fetch(`${pollingWeb.url}/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
      expect((await jsonAs<Job>(response)).status).toBe('running');
    }
    // Why a live socket closed, if one did (the server logs each close with its code).
    const closes = liveWeb.lines
      .filter((line) => line.includes('WebSocket disconnected'))
      .map((line) => JSON.parse(line) as { code: number; time: number });
    if (liveCount > 0) process.stdout.write(`live sockets closed during the run: ${JSON.stringify(closes)}\n`);
    const saved = pollingCount > 0 ? (1 - liveCount / pollingCount) * 100 : 0;
    process.stdout.write(
      `requests in ${WINDOW_MS / 1000} s while watching 3 running jobs: polling ${pollingCount} ` +
        `(${polling.paths().join(', ')}), WebSocket ${liveCount} (${live.describe()}; ${saved.toFixed(0)}% fewer)\n`,
    );
    // Polling really ran: every job was asked for repeatedly, and nothing else (no list refresh).
    for (const id of jobIds)
      expect(polling.requests.filter((url) => url.endsWith(`/jobs/${id}/progress`)).length).toBeGreaterThanOrEqual(5);
    expect(polling.requests.every((url) => /\/jobs\/[^/]+\/progress$/.test(url))).toBe(true);
    expect(liveCount).toBeLessThanOrEqual(pollingCount * MAX_WEBSOCKET_SHARE);
    expect([...polling.page.errors, ...live.page.errors]).toEqual([]);
    await polling.page.close();
    await live.page.close();
  }, 120_000);

  /** A page showing the 3 jobs, each followed by `transport`, counting the requests it makes. */
  async function watchedPage(baseUrl: string, token: string, jobIds: string[], transport: 'polling' | 'websocket') {
    const page = await browser.newPage();
    let requests: string[] = [];
    let sockets = 0;
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    page.on('websocket', () => {
      sockets += 1;
    });
    await openJobsPage(page, baseUrl, token);
    for (const id of jobIds) await page.locator(`[data-job-id="${id}"][data-transport="${transport}"]`).waitFor();
    return {
      page,
      get requests() {
        return requests;
      },
      reset: () => {
        requests = [];
        sockets = 0;
      },
      /** HTTP requests plus WebSocket handshakes (each one is an HTTP request too). */
      count: () => requests.length + sockets,
      paths: () => [...new Set(requests.map((path) => path.replace(/[0-9a-f-]{36}/, '{id}')))],
      describe: () => `${requests.length} HTTP [${requests.join(' ')}], ${sockets} WebSocket handshakes`,
    };
  }
});

/** The headline claim's window, and the share of polling's requests WebSocket may make (5%). */
const WINDOW_MS = 30_000;
const MAX_WEBSOCKET_SHARE = 0.05;
