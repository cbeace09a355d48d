/**
 * One round of a fault: upload jobs, let clients watch them, wait until they are mid-job, inject
 * the fault, then judge every job and every client. The fault classes differ only in `inject`.
 */
import { metricValue } from '../../kit/scrape-metrics.js';
import { awaitOutcomes, judgeOutcomes, type JobOutcome } from '../clients/job-outcome.js';
import { uploadJobs, waitUntilRunning, type UploadedJob } from '../clients/job-uploads.js';
import { judgeWatchers, summarizeWatchers, type WatchResult } from '../clients/watch-result.js';
import { startWatchers } from '../clients/watchers.js';
import type { ClassContext } from '../run-class.js';

export interface FaultRoundOptions {
  readonly label: string;
  readonly jobs: number;
  readonly rows: number;
  readonly websocketClients: number;
  readonly pollingClients: number;
  /** A job may end `failed` (with an error) instead of `succeeded`. @default false */
  readonly allowFailed?: boolean;
  /**
   * Inject only once every WebSocket client is connected (the web processes' `ws_connections_open`
   * adds up to `websocketClients`), for faults judged by what connected clients see. On a busy
   * machine the clients may still be connecting when the jobs already run.
   */
  readonly awaitSockets?: boolean;
  /** How long jobs and clients get to reach the end. @default 120000 */
  readonly timeoutMs?: number;
}

export interface FaultRound {
  readonly jobs: readonly UploadedJob[];
  readonly outcomes: readonly JobOutcome[];
  readonly watched: readonly WatchResult[];
}

/**
 * Runs the round; `inject` runs once every job is mid-job and answers when the service is whole
 * again (its time is recorded as the recovery time).
 */
export async function runFaultRound(
  context: ClassContext,
  options: FaultRoundOptions,
  inject: (jobs: readonly UploadedJob[]) => Promise<number>,
): Promise<FaultRound> {
  const { stack, recorder } = context;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const jobs = await uploadJobs(stack, options.jobs, options.rows, options.label);
  const watchers = startWatchers(stack, jobs, {
    websocket: options.websocketClients,
    polling: options.pollingClients,
    deadline: Date.now() + timeoutMs,
  });
  await waitUntilRunning(stack, jobs, 3);
  if (options.awaitSockets)
    await waitForOpenSockets(
      stack.webs.map((web) => web.url),
      options.websocketClients,
    );
  recorder.recovered(await inject(jobs));
  const outcomes = await awaitOutcomes(stack, jobs, timeoutMs);
  judgeOutcomes(recorder, outcomes, { allowFailed: options.allowFailed ?? false });
  const watched = await watchers;
  judgeWatchers(recorder, watched);
  recorder.note(`${options.label}: ${summarizeWatchers(watched)}`);
  return { jobs, outcomes, watched };
}

/** Polls the web processes' metrics until `count` WebSockets are open in all (at most `timeoutMs`). */
async function waitForOpenSockets(urls: readonly string[], count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let open = 0;
    for (const url of urls) {
      open += await metricValue(url, 'ws_connections_open').catch(() => 0);
    }
    if (open >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`only some of ${count} WebSocket clients connected within ${timeoutMs} ms`);
}
