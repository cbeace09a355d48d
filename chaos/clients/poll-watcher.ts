/**
 * A polling client, as the page runs when WebSocket is off: `GET /jobs/{id}/progress` until the
 * state is terminal, across outages and web processes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseProgressMessage } from '../../app/domain/progress-message.js';
import type { WatchResult } from './watch-result.js';

export interface PollWatchOptions {
  readonly urls: () => readonly string[];
  readonly token: string;
  readonly jobId: string;
  readonly deadline: number;
  /** @default 250 (faster than the page's POLL_INTERVAL_MS, to see more states) */
  readonly intervalMs?: number;
}

export async function pollJob(options: PollWatchOptions): Promise<WatchResult> {
  const headers = { authorization: `Bearer ${options.token}` };
  const seen = new Map<number, string>();
  const violations: string[] = [];
  let lastSeq = -1;
  let frames = 0;
  for (let attempt = 0; Date.now() < options.deadline; attempt++) {
    const urls = options.urls();
    const base = urls[attempt % Math.max(urls.length, 1)];
    try {
      if (!base) throw new Error('no web process');
      const response = await fetch(`${base}/jobs/${options.jobId}/progress`, {
        headers,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.ok) {
        frames++;
        const message = parseProgressMessage(text);
        if (!message) violations.push(`not a Progress message: ${text.slice(0, 120)}`);
        else {
          if (message.seq < lastSeq) violations.push(`seq went back from ${lastSeq} to ${message.seq}`);
          const earlier = seen.get(message.seq);
          if (earlier !== undefined && earlier !== text)
            violations.push(`seq ${message.seq} carried two different texts`);
          seen.set(message.seq, text);
          lastSeq = Math.max(lastSeq, message.seq);
          if (message.status === 'succeeded' || message.status === 'failed') {
            return {
              jobId: options.jobId,
              transport: 'polling',
              terminalText: text,
              terminalStatus: message.status,
              frames,
              connections: attempt + 1,
              closeCodes: [],
              violations,
            };
          }
        }
      } else if (response.status !== 503) {
        violations.push(`GET /progress answered ${response.status}`);
      }
    } catch {
      // Outage under test: poll again.
    }
    await sleep(options.intervalMs ?? 250);
  }
  return {
    jobId: options.jobId,
    transport: 'polling',
    terminalText: undefined,
    terminalStatus: undefined,
    frames,
    connections: 0,
    closeCodes: [],
    violations,
  };
}
