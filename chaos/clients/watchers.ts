/** Starts many watching clients spread over jobs: WebSocket clients, polling clients, or both. */
import type { ChaosStack } from '../stack/chaos-stack.js';
import { pollJob } from './poll-watcher.js';
import type { WatchResult } from './watch-result.js';
import { connectOnce, watchJob, wsUrl } from './ws-watcher.js';

export interface WatchedJob {
  readonly id: string;
  readonly token: string;
}

export interface WatcherCounts {
  readonly websocket: number;
  readonly polling: number;
  /** Absolute time (ms) at which a client still without its terminal state gives up. */
  readonly deadline: number;
}

/** Client `i` watches job `i mod jobs`; answers when every client is done. */
export function startWatchers(
  stack: ChaosStack,
  jobs: readonly WatchedJob[],
  counts: WatcherCounts,
): Promise<WatchResult[]> {
  const urls = (): string[] => stack.webs.map((w) => w.url);
  const clients: Promise<WatchResult>[] = [];
  for (let i = 0; i < counts.websocket; i++) {
    const job = jobs[i % jobs.length]!;
    clients.push(
      watchJob({
        urls,
        token: job.token,
        jobId: job.id,
        deadline: counts.deadline,
        auth: i % 2 === 0 ? 'subprotocol' : 'query',
      }),
    );
  }
  for (let i = 0; i < counts.polling; i++) {
    const job = jobs[i % jobs.length]!;
    clients.push(pollJob({ urls, token: job.token, jobId: job.id, deadline: counts.deadline }));
  }
  return Promise.all(clients);
}

/** True when the stack's web process upgrades `/ws/jobs/{id}` (the endpoint exists and is on). */
export async function websocketAvailable(stack: ChaosStack): Promise<boolean> {
  try {
    const response = await fetch(`${stack.url}/config`);
    const config = (await response.json()) as { enableWebsocket?: boolean };
    if (!config.enableWebsocket) return false;
    const token = await stack.token('websocket-probe');
    const probe = await connectOnce(wsUrl(stack.url, '00000000-0000-4000-8000-000000000000'), token, 'subprotocol');
    return probe.opened;
  } catch {
    return false;
  }
}
