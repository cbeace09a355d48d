/**
 * The runbook's check 3 (docs/runbook.md#testing): with 130 jobs, "Load More"
 * appends pages; nothing that was shown disappears or repeats, also when a job is uploaded between
 * pages (from this page, or from elsewhere, which shifts the server's offsets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebProcess } from '../../kit/app-processes.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob } from '../support/api-answers.js';
import { waitForTerminal } from '../support/jobs-client.js';
import { browserMissing, launchBrowser, reportSkip, type TestBrowser } from './support/browser.js';
import { openJobsPage, shownJobIds, uploadThroughPage } from './support/jobs-page.js';
import { startStack, type Stack } from './support/stack.js';

reportSkip('test/e2e/load-more.test.ts');

const JOBS = 130;

/** Every job id of the user, newest first, as the API lists them. */
async function allJobIds(baseUrl: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const response = await fetch(`${baseUrl}/jobs?offset=${offset}&limit=100`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const page = (await response.json()) as { jobs: Array<{ id: string }>; total: number };
    ids.push(...page.jobs.map((job) => job.id));
    if (ids.length >= page.total || page.jobs.length === 0) return ids;
  }
}

describe.skipIf(browserMissing() !== undefined)('jobs page Load More', () => {
  let stack: Stack;
  let web: WebProcess;
  let browser: TestBrowser;
  let token: string;

  beforeAll(async () => {
    stack = await startStack({ rowDelayMs: 0 });
    [web, browser] = await Promise.all([stack.startWeb(), launchBrowser()]);
    token = await stack.token('bob');
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      ids.push(
        createdJob(
          await uploadCsv(web.url, token, sampleCsv(1), { filename: `file-${String(i).padStart(3, '0')}.csv` }),
        ).id,
      );
    }
    // All finished first, so the page watches nothing and only the list is under test.
    for (const id of ids) await waitForTerminal(web.url, token, id);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('appends pages without losing or repeating a job, also with uploads between pages (runbook check 3)', async () => {
    const page = await browser.newPage();
    const listRequests: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/jobs' && request.method() === 'GET') listRequests.push(url.search);
    });
    await openJobsPage(page, web.url, token);
    // Every card ever removed from the list is recorded from here on.
    await page.evaluate(() => {
      const removed: string[] = [];
      (window as unknown as { removedCards: string[] }).removedCards = removed;
      new MutationObserver((records) => {
        for (const record of records) {
          record.removedNodes.forEach((node) => removed.push((node as HTMLElement).dataset?.jobId ?? '?'));
        }
      }).observe(document.getElementById('jobs')!, { childList: true });
    });
    const firstPage = await shownJobIds(page);
    expect(firstPage).toHaveLength(60);
    expect(firstPage).toEqual((await allJobIds(web.url, token)).slice(0, 60));

    // An upload from this page goes on top; the next page starts one further down.
    const mine = await uploadThroughPage(page, 'between-pages.csv', sampleCsv(3));
    expect((await shownJobIds(page))[0]).toBe(mine.id);
    await page.locator('#load-more').click();
    await page.locator('#jobs > li').nth(120).waitFor();

    // An upload from elsewhere (another tab) shifts the server's offsets: the last page repeats a
    // job already shown, which the page skips.
    const elsewhere = createdJob(await uploadCsv(web.url, token, sampleCsv(1), { filename: 'other-tab.csv' })).id;
    await page.locator('#load-more').click();
    await page.locator('#load-more').waitFor({ state: 'hidden' });

    const shown = await shownJobIds(page);
    const server = await allJobIds(web.url, token);
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown).toEqual(server.filter((id) => id !== elsewhere));
    expect(shown).toHaveLength(JOBS + 1);
    expect(shown.slice(1, 61)).toEqual(firstPage);
    expect(await page.evaluate(() => (window as unknown as { removedCards: string[] }).removedCards)).toEqual([]);
    // The list is fetched once per page and never refreshed as a whole.
    expect(listRequests).toEqual(['?offset=0&limit=60', '?offset=61&limit=60', '?offset=121&limit=60']);
    expect(await page.locator('#job-count').textContent()).toBe(`(${JOBS + 1})`);
    expect(page.errors).toEqual([]);
    await page.close();
  }, 90_000);
});
