/**
 * A deploy in miniature: the web server restarts while a job runs. The page's socket is closed
 * (1001, then the connection is refused for a moment); the page reconnects with backoff (or polls
 * in between) and shows the job's completion, without ever going backwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebProcess } from '../../kit/app-processes.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { browserMissing, launchBrowser, reportSkip, type TestBrowser } from './support/browser.js';
import { appliedUpdates, openJobsPage, percentShown, uploadThroughPage, waitForStatus } from './support/jobs-page.js';
import { startStack, type Stack } from './support/stack.js';

reportSkip('test/e2e/web-restart.test.ts');

describe.skipIf(browserMissing() !== undefined)('jobs page across a web server restart', () => {
  let stack: Stack;
  let web: WebProcess;
  let browser: TestBrowser;

  beforeAll(async () => {
    stack = await startStack({ rowDelayMs: 50 });
    [web, browser] = await Promise.all([stack.startWeb(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('reconnects after the web server restarts mid-job and shows the completion', async () => {
    const page = await browser.newPage();
    const socketUrls: string[] = [];
    page.on('websocket', (ws) => socketUrls.push(ws.url()));
    await openJobsPage(page, web.url, await stack.token('carol'));
    // 600 rows at 50 ms: about 30 s. The page is back within the server's restart time plus at most
    // 12 s (the third retry's ceiling; after it the page polls), so the job is still running then.
    const job = await uploadThroughPage(page, 'across-restart.csv', sampleCsv(600));
    // Every transport the card shows (live, reconnecting, polling), in order.
    await page.evaluate((id) => {
      const card = document.querySelector<HTMLElement>(`[data-job-id="${id}"]`)!;
      const seen = [card.dataset.transport ?? ''];
      (window as unknown as { transports: string[] }).transports = seen;
      new MutationObserver(() => {
        if (seen.at(-1) !== card.dataset.transport) seen.push(card.dataset.transport ?? '');
      }).observe(card, { attributes: true, attributeFilter: ['data-transport'] });
    }, job.id);
    await page.waitForFunction((id) => {
      const bar = document.querySelector(`[data-job-id="${id}"] [role="progressbar"]`);
      return Number(bar?.getAttribute('aria-valuenow')) >= 5;
    }, job.id);

    expect(await web.stop('SIGTERM')).toBe(0);
    const restartedAt = Date.now();
    web = await stack.startWeb({ PORT: String(web.port) });

    await waitForStatus(page, job.id, 'succeeded', 90_000);
    expect(await percentShown(page, job.id)).toBe(100);
    const own = socketUrls.filter((url) => url.endsWith(`/ws/jobs/${job.id}`));
    expect(own.length).toBeGreaterThanOrEqual(2);
    const updates = (await appliedUpdates(page)).filter((u) => u.jobId === job.id);
    expect(updates.some((u) => u.appliedAt > restartedAt && u.percent < 100)).toBe(true);
    const seqs = updates.map((u) => u.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    const transports = await page.evaluate(() => (window as unknown as { transports: string[] }).transports);
    process.stdout.write(
      `web restart: ${own.length} WebSocket attempts for the job, ${updates.length} updates shown, ` +
        `transports: ${transports.join(' → ')}\n`,
    );
    expect(transports[0]).toBe('websocket');
    expect(transports).toContain('reconnecting');
    expect(transports.at(-1)).toBe('none');
    expect(page.errors).toEqual([]);
    await page.close();
  }, 150_000);
});
