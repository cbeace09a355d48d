/**
 * `npm run status -- --watch`: the screen redrawn every interval. Pure: a header naming the target,
 * the refresh and the time, then the status lines (or why this round could not be read).
 */
import { formatStatusReport, type StatusReport } from './status-report.js';

export interface LiveViewHeader {
  readonly url: string;
  readonly everySeconds: number;
  /** When this frame was read. */
  readonly at: Date;
}

function headerLine(header: LiveViewHeader): string {
  return `${header.url}  every ${header.everySeconds} s, Ctrl-C stops  ${header.at.toISOString().slice(11, 19)} UTC`;
}

/** One frame of the live view. */
export function renderLiveView(report: StatusReport, header: LiveViewHeader): string[] {
  return [headerLine(header), '', ...formatStatusReport(report)];
}

/** A frame for a round whose scrape failed: the watch goes on and tries again. */
export function renderScrapeFailure(message: string, header: LiveViewHeader): string[] {
  return [headerLine(header), '', `unavailable          ${message} (trying again)`];
}
