/**
 * The I/O loop of `npm run status -- --watch`: scrape every interval, hand each frame to `show`, keep
 * going through failures until `signal` aborts. All rendering is live-view.ts'.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../verify/check-result.js';
import { reportSince, scrapeMetrics } from './collect-status.js';
import { renderLiveView, renderScrapeFailure } from './live-view.js';
import type { Scrape } from './status-report.js';

export async function watchStatus(
  url: string,
  intervalMs: number,
  show: (frame: string[]) => void,
  signal: AbortSignal,
): Promise<void> {
  const header = (): { url: string; everySeconds: number; at: Date } => ({
    url,
    everySeconds: intervalMs / 1000,
    at: new Date(),
  });
  let previous: Scrape | undefined;
  while (!signal.aborted) {
    try {
      if (previous === undefined) previous = await scrapeMetrics(url);
      else {
        const report = await reportSince(url, previous);
        previous = report.scrape;
        show(renderLiveView(report, header()));
      }
    } catch (error) {
      previous = undefined;
      show(renderScrapeFailure(describeError(error), header()));
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
}
