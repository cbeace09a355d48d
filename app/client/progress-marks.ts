/**
 * A User Timing mark each time the page shows a progress update, carrying the message's `jobId`,
 * `seq`, `percent` and `at`. `performance.timeOrigin + mark.startTime` is when the update was shown,
 * so anyone can measure publication-to-screen latency from the browser's own timeline (the
 * end-to-end test reads these marks; DevTools' Performance panel shows them too).
 */
import type { ProgressMessage } from '../domain/progress-message.js';

export const PROGRESS_MARK = 'progress-applied';

/** What each mark's `detail` holds. */
export interface ProgressMarkDetail {
  readonly jobId: string;
  readonly seq: number;
  readonly percent: number;
  readonly status: string;
  readonly at: string;
}

/** Marks are kept by the browser until cleared; a page left open for days must not grow forever. */
const MAX_MARKS = 5000;
let marks = 0;

export function markProgressApplied(
  performance: Pick<Performance, 'mark' | 'clearMarks'>,
  message: ProgressMessage,
): void {
  if (marks >= MAX_MARKS) {
    performance.clearMarks(PROGRESS_MARK);
    marks = 0;
  }
  const detail: ProgressMarkDetail = {
    jobId: message.jobId,
    seq: message.seq,
    percent: message.percent,
    status: message.status,
    at: message.at,
  };
  performance.mark(PROGRESS_MARK, { detail });
  marks += 1;
}
