/**
 * The guide's Test 4 (WebSocket off: the page still reaches 100% by polling and opens no
 * WebSocket) and the headline claim: requests the page makes while it watches 3 running jobs,
 * polling against WebSocket, over the same 30 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebProcess } from '../support/app-process.js';
import { sampleCsv, uploadCsv } from '../support/jobs-client.js';
import { browserMissing, launchBrowser, reportSkip, type TestBrowser } from './support/browser.js';
import { openJobsPage, percentShown, uploadThroughPage, waitForStatus } from './support/jobs-page.js';
import { startStack, type Stack } from './support/stack.js';

reportSkip('test/e2e/polling.test.ts');

describe.skipIf(browserMissing() !== undefined)('jobs page with WebSocket off', () => {
  let stack: Stack;
  let pollingWeb: WebProcess;
  let browser: TestBrowser;

  beforeAll(async () => {
    stack = await startStack({ rowDelayMs: 50 });
    [pollingWeb, browser] = await Promise.all([stack.startWeb({ ENABLE_WEBSOCKET: 'false' }), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('reaches 100% by polling GET /jobs/{id}/progress and opens no WebSocket (guide Test 4)', async () => {
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
});
