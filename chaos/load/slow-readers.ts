/**
 * Clients that never read: many sockets stop reading while their jobs publish every row. The web
 * process must not buffer all those frames (coalescing keeps one pending state per socket), its heap
 * must stay near its baseline, and each client still gets the terminal state once it reads again
 * (directly, or after a `1013` and a reconnect).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleCsv, uploadCsv } from '../../test/support/jobs-client.js';
import { awaitJobOutcome } from '../clients/job-outcome.js';
import { judgeWatchers, summarizeWatchers } from '../clients/watch-result.js';
import { watchJob } from '../clients/ws-watcher.js';
import type { CaseRecorder } from '../report/class-result.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { HEAP_TOLERANCE_BYTES } from '../stack/after-class.js';
import { measureHeapAfterGc } from '../stack/heap-probe.js';
import { gaugeValue } from './metrics-sampler.js';

export interface SlowReaderOptions {
  readonly jobs: number;
  readonly clientsPerJob: number;
  /** Rows per job; with PROGRESS_INTERVAL_MS=0 each row is one frame. */
  readonly rows: number;
}

export async function checkSlowReaders(stack: ChaosStack, recorder: CaseRecorder, options: SlowReaderOptions): Promise<void> {
  const web = stack.processes.find((p) => p.role === 'web' && !p.stoppedOnPurpose)!;
  const before = await measureHeapAfterGc(web.inspectPort);
  const jobs = await Promise.all(Array.from({ length: options.jobs }, async (_, i) => {
    const token = await stack.token(`slow-reader-${i}-${randomUUID().slice(0, 6)}`);
    const upload = await uploadCsv(stack.url, token, sampleCsv(options.rows));
    return { id: upload.body.id as string, token };
  }));
  const paused = new Set<import('ws').WebSocket>();
  let resume = false;
  const watchers = jobs.flatMap((job) => Array.from({ length: options.clientsPerJob }, () => watchJob({
    urls: () => [stack.url], token: job.token, jobId: job.id, deadline: Date.now() + 180_000,
    // Only the first connection stops reading; a reconnect after 1013 reads normally.
    onOpen: (socket) => { if (!resume) { socket.pause(); paused.add(socket); } },
  })));
  await Promise.all(jobs.map((job) => awaitJobOutcome({ urls: () => [stack.url], token: job.token, jobId: job.id, expectedRows: options.rows, timeoutMs: 180_000 })));
  const metrics = await (await fetch(`${stack.url}/metrics`)).text();
  const stalled = await measureHeapAfterGc(web.inspectPort);
  resume = true;
  for (const socket of paused) socket.resume();
  const watched = await Promise.all(watchers);
  judgeWatchers(recorder, watched);

  const frames = options.jobs * options.clientsPerJob * options.rows;
  recorder.note(`${paused.size} sockets stopped reading while ${frames} frames were due; web heap ${mib(before)} -> ${mib(stalled)} MiB with them stalled, `
    + `${gaugeValue(metrics, 'ws_buffered_bytes') ?? '?'} B buffered server-side; ${summarizeWatchers(watched)}`);
  recorder.check('the web heap stays near its baseline while readers are stalled', stalled <= before + HEAP_TOLERANCE_BYTES ? undefined
    : `grew from ${mib(before)} to ${mib(stalled)} MiB`);
  await sleep(0);
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
