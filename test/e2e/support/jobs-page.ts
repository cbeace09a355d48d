/** Reading and driving the jobs page from a test, the way a user sees it. */
import type { Page } from 'playwright-core';
import type { ProgressMarkDetail } from '../../../app/client/progress-marks.js';

export interface AppliedUpdate extends ProgressMarkDetail {
  /** Epoch ms when the page showed the update (`performance.timeOrigin + mark.startTime`). */
  readonly appliedAt: number;
}

/** Opens `/?token=` and waits until the first page of jobs is shown. */
export async function openJobsPage(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/?token=${encodeURIComponent(token)}`);
  await page.locator('#jobs-panel').waitFor({ state: 'visible' });
}

/** Uploads a CSV through the page's form; answers the Job the server created. */
export async function uploadThroughPage(
  page: Page,
  filename: string,
  csv: string,
): Promise<{ id: string; total: number }> {
  const created = page.waitForResponse(
    (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/jobs',
  );
  await page.locator('#file-input').setInputFiles({ name: filename, mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('#upload-button').click();
  const response = await created;
  if (response.status() !== 201) throw new Error(`upload answered ${response.status()}: ${await response.text()}`);
  const job = (await response.json()) as { id: string; total: number };
  await page.locator(`[data-job-id="${job.id}"]`).waitFor();
  return job;
}

/** The job card's progress bar value. */
export async function percentShown(page: Page, jobId: string): Promise<number> {
  return Number(await page.locator(`[data-job-id="${jobId}"] [role="progressbar"]`).getAttribute('aria-valuenow'));
}

/** Waits until the job's card shows `status` (e.g. `succeeded`). */
export async function waitForStatus(page: Page, jobId: string, status: string, timeoutMs = 60_000): Promise<void> {
  await page.locator(`[data-job-id="${jobId}"][data-status="${status}"]`).waitFor({ timeout: timeoutMs });
}

/** Every update the page showed, in order, from its `progress-applied` User Timing marks. */
export async function appliedUpdates(page: Page): Promise<AppliedUpdate[]> {
  return page.evaluate(() =>
    performance.getEntriesByName('progress-applied').map((entry) => ({
      ...((entry as PerformanceMark).detail as ProgressMarkDetail),
      appliedAt: performance.timeOrigin + entry.startTime,
    })),
  );
}

/** The job ids of the cards shown, top to bottom. */
export async function shownJobIds(page: Page): Promise<string[]> {
  return page
    .locator('#jobs > li')
    .evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.jobId ?? ''));
}

/** Percentile `p` (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
