/**
 * The runbook's checks 1, 2 and 5 (docs/runbook.md#testing) in headless Chromium against the real stack (redis-server,
 * web, worker as processes), plus a failed job's message and screenshots of the finished page.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebSocket as PageSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProgressMessage, type ProgressMessage } from '../../app/domain/progress-message.js';
import { REPO_ROOT } from '../../kit/repo-root.js';
import type { WebProcess } from '../../kit/app-processes.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob } from '../support/api-answers.js';
import { browserMissing, launchBrowser, reportSkip, type TestBrowser } from './support/browser.js';
import {
  appliedUpdates,
  openJobsPage,
  percentile,
  percentShown,
  uploadThroughPage,
  waitForStatus,
  type AppliedUpdate,
} from './support/jobs-page.js';
import { startStack, type Stack } from './support/stack.js';

reportSkip('test/e2e/live-progress.test.ts');

const OUTPUT_DIR = join(REPO_ROOT, 'test-output');

/** Every WebSocket the page opens, with the frames it received. */
function recordSockets(page: {
  on(event: 'websocket', listener: (ws: PageSocket) => void): unknown;
}): Array<{ url: string; frames: ProgressMessage[] }> {
  const sockets: Array<{ url: string; frames: ProgressMessage[] }> = [];
  page.on('websocket', (ws) => {
    const entry = { url: ws.url(), frames: [] as ProgressMessage[] };
    sockets.push(entry);
    ws.on('framereceived', (frame) => {
      const message = typeof frame.payload === 'string' ? parseProgressMessage(frame.payload) : undefined;
      if (message) entry.frames.push(message);
    });
  });
  return sockets;
}

const updatesOf = (updates: AppliedUpdate[], jobId: string): AppliedUpdate[] =>
  updates.filter((u) => u.jobId === jobId);

describe.skipIf(browserMissing() !== undefined)('jobs page with live WebSocket progress', () => {
  let stack: Stack;
  let web: WebProcess;
  let browser: TestBrowser;
  let token: string;
  let failingJobId: string;

  beforeAll(async () => {
    // 50 ms a row: a 100-row job runs ~5 s. A job stops after 12 s, so a 400-row job fails.
    stack = await startStack({ rowDelayMs: 50, env: { JOB_TIMEOUT_MS: '12000' } });
    [web, browser] = await Promise.all([stack.startWeb({ LOG_LEVEL: 'info' }), launchBrowser()]);
    token = await stack.token('alice');
    const failing = createdJob(await uploadCsv(web.url, token, sampleCsv(400), { filename: 'too-slow.csv' }));
    failingJobId = failing.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("opens a WebSocket to /ws/jobs/{id} that receives the job's frames (runbook check 1)", async () => {
    const page = await browser.newPage();
    const sockets = recordSockets(page);
    await openJobsPage(page, web.url, token);
    // 40 rows (2 s): long enough that the socket opens before the job ends, on a busy machine too.
    const job = await uploadThroughPage(page, 'small.csv', sampleCsv(40));
    await waitForStatus(page, job.id, 'succeeded');

    const own = sockets.filter((s) => s.url.endsWith(`/ws/jobs/${job.id}`));
    expect(own).toHaveLength(1);
    expect(own[0]!.url).toBe(`${web.url.replace('http:', 'ws:')}/ws/jobs/${job.id}`);
    // Authenticated by subprotocol: the token is never in the socket's URL.
    expect(own[0]!.url).not.toContain('token');
    const frames = own[0]!.frames;
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.every((f) => f.jobId === job.id)).toBe(true);
    expect(frames.map((f) => f.seq)).toEqual([...new Set(frames.map((f) => f.seq))].sort((a, b) => a - b));
    expect(frames.at(-1)).toMatchObject({ status: 'succeeded', percent: 100, processed: 40, total: 40 });
    await web.waitForLine(new RegExp(`WebSocket connected for job ${job.id}`));

    // The result link downloads the personalized CSV (with the token, which a plain link lacks).
    const download = page.waitForEvent('download');
    await page.locator(`[data-job-id="${job.id}"] .result`).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('small-personalized.csv');
    const csv = readFileSync(await file.path(), 'utf8');
    expect(csv.split('\n')[0]).toContain('personalized_line');
    expect(csv.trim().split('\n')).toHaveLength(41);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it("moves a 100-row job's bar to 100%, showing each update soon after it was published (runbook check 2)", async () => {
    const page = await browser.newPage();
    await openJobsPage(page, web.url, token);
    const job = await uploadThroughPage(page, 'hundred.csv', sampleCsv(100));
    await waitForStatus(page, job.id, 'succeeded');
    expect(await percentShown(page, job.id)).toBe(100);

    const updates = updatesOf(await appliedUpdates(page), job.id);
    const latencies = updates.map((u) => u.appliedAt - Date.parse(u.at));
    const median = percentile(latencies, 50);
    process.stdout.write(
      `runbook check 2: ${updates.length} updates shown; publication to screen: median ${median.toFixed(1)} ms, ` +
        `p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms\n`,
    );
    // Smooth: many small steps, never backwards, ending at 100.
    expect(updates.length).toBeGreaterThanOrEqual(10);
    const percents = updates.map((u) => u.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(median).toBeLessThan(100);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('follows three simultaneous uploads independently, one WebSocket each (runbook check 5)', async () => {
    const page = await browser.newPage();
    const sockets = recordSockets(page);
    await openJobsPage(page, web.url, token);
    const jobs = [];
    // Longest first: it is surely running before the short one, uploaded last, ends.
    for (const [name, rows] of [
      ['long.csv', 90],
      ['medium.csv', 60],
      ['short.csv', 30],
    ] as const) {
      jobs.push(await uploadThroughPage(page, name, sampleCsv(rows)));
    }
    for (const job of jobs) await waitForStatus(page, job.id, 'succeeded');

    const updates = await appliedUpdates(page);
    for (const job of jobs) {
      expect(sockets.filter((s) => s.url.endsWith(`/ws/jobs/${job.id}`))).toHaveLength(1);
      expect(await percentShown(page, job.id)).toBe(100);
      const own = updatesOf(updates, job.id);
      expect(own.length).toBeGreaterThanOrEqual(3);
      expect(own.map((u) => u.seq)).toEqual([...own.map((u) => u.seq)].sort((a, b) => a - b));
    }
    // They ran side by side: the long job showed progress before the short one finished, and
    // finished after it.
    const [long, , short] = jobs.map((job) => updatesOf(updates, job.id));
    const shortDone = short!.at(-1)!.appliedAt;
    expect(long!.some((u) => u.appliedAt < shortDone && u.percent > 0)).toBe(true);
    expect(long!.at(-1)!.appliedAt).toBeGreaterThan(shortDone);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it("shows a failed job's error message, and looks clean on a desktop and a phone (screenshots)", async () => {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const desktop = await browser.newPage({ width: 1280, height: 900 });
    await openJobsPage(desktop, web.url, token);
    await waitForStatus(desktop, failingJobId, 'failed', 60_000);
    const error = await desktop.locator(`[data-job-id="${failingJobId}"] .job-error`).textContent();
    expect(error).toContain('timed out');
    await desktop.screenshot({ path: join(OUTPUT_DIR, 'jobs-page-desktop.png'), fullPage: true });

    const phone = await browser.newPage({ width: 390, height: 844 });
    await openJobsPage(phone, web.url, token);
    await phone.screenshot({ path: join(OUTPUT_DIR, 'jobs-page-phone.png'), fullPage: true });
    // Nothing wider than the phone's screen (no sideways scrolling).
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect([...desktop.errors, ...phone.errors]).toEqual([]);
    await desktop.close();
    await phone.close();
  }, 90_000);
});
