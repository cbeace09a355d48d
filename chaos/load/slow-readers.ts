/**
 * Clients that never read: many sockets stop reading while their jobs publish every row. The web
 * process must not buffer all those frames (coalescing keeps one pending state per socket), its heap
 * must stay near its baseline, and each client still gets the terminal state once it reads again
 * (directly, or after a `1013` and a reconnect). Memory is heap + external (queued frames are
 * Buffers), after a forced GC.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { awaitJobOutcome } from '../clients/job-outcome.js';
import { judgeWatchers, summarizeWatchers } from '../clients/watch-result.js';
import { watchJob } from '../clients/ws-watcher.js';
import type { CaseRecorder } from '../report/class-result.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { HEAP_TOLERANCE_BYTES } from '../stack/after-class.js';
import { measureHeapAfterGc } from '../stack/heap-probe.js';
import { metricValue } from '../../kit/scrape-metrics.js';

/** How often memory and buffered bytes are sampled while readers are stalled. */
const SAMPLE_MS = 2_000;
/** WS_BUFFER_LIMIT_BYTES' default: above it a socket only keeps the newest state. */
const BUFFER_LIMIT_BYTES = 64 * 1024;
/** One frame (or one write) may land on top of the limit before coalescing starts. */
const BUFFER_SLACK_BYTES = 16 * 1024;
/**
 * Memory one stalled socket may hold: its buffered bytes plus the bookkeeping of each queued write
 * (stream entries, frame headers), measured at about 2.7× the bytes for 200-byte frames; 4× leaves
 * room. A server that kept every frame due would need thousands of times more.
 */
const MEMORY_PER_STALLED_SOCKET_BYTES = 4 * BUFFER_LIMIT_BYTES;

export interface SlowReaderOptions {
  readonly jobs: number;
  readonly clientsPerJob: number;
  /** Rows per job; with PROGRESS_INTERVAL_MS=0 each row is one frame. */
  readonly rows: number;
}

export async function checkSlowReaders(
  stack: ChaosStack,
  recorder: CaseRecorder,
  options: SlowReaderOptions,
): Promise<void> {
  const web = stack.processes.find((p) => p.role === 'web' && !p.stoppedOnPurpose)!;
  const before = await measureHeapAfterGc(web.inspectPort);
  const jobs = await Promise.all(
    Array.from({ length: options.jobs }, async (_, i) => {
      const token = await stack.token(`slow-reader-${i}-${randomUUID().slice(0, 6)}`);
      const upload = await uploadCsv(stack.url, token, sampleCsv(options.rows));
      return { id: upload.body.id, token };
    }),
  );
  const paused = new Set<import('ws').WebSocket>();
  let resume = false;
  const watchers = jobs.flatMap((job) =>
    Array.from({ length: options.clientsPerJob }, () =>
      watchJob({
        urls: () => [stack.url],
        token: job.token,
        jobId: job.id,
        deadline: Date.now() + 180_000,
        // Only the first connection stops reading; a reconnect after 1013 reads normally.
        onOpen: (socket) => {
          if (!resume) {
            socket.pause();
            paused.add(socket);
          }
        },
      }),
    ),
  );
  // Sample while the first connections are open and stalled and frames keep coming, until the jobs end.
  const total = options.jobs * options.clientsPerJob;
  const openBy = Date.now() + 60_000;
  while (paused.size < total && Date.now() < openBy) await sleep(50);
  let jobsEnded = false;
  const ended = Promise.all(
    jobs.map((job) =>
      awaitJobOutcome({
        urls: () => [stack.url],
        token: job.token,
        jobId: job.id,
        expectedRows: options.rows,
        timeoutMs: 300_000,
      }),
    ),
  ).finally(() => {
    jobsEnded = true;
  });
  let peakMemory = before;
  let peakBuffered = 0;
  let samples = 0;
  while (!jobsEnded) {
    await Promise.race([ended, sleep(SAMPLE_MS)]);
    peakBuffered = Math.max(peakBuffered, await metricValue(stack.url, 'ws_buffered_bytes'));
    peakMemory = Math.max(peakMemory, await measureHeapAfterGc(web.inspectPort));
    samples++;
  }
  await ended;
  resume = true;
  for (const socket of paused) socket.resume();
  const watched = await Promise.all(watchers);
  judgeWatchers(recorder, watched);

  const frames = total * options.rows;
  recorder.note(
    `${paused.size} sockets stopped reading while ${frames} frames were due; over ${samples} samples the web process peaked at ` +
      `${mib(peakMemory)} MiB (from ${mib(before)}) with ${peakBuffered} B buffered server-side; ${summarizeWatchers(watched)}`,
  );
  // Bounded means: a constant per stalled socket, not a share of every frame due.
  const memoryBound = before + total * MEMORY_PER_STALLED_SOCKET_BYTES + HEAP_TOLERANCE_BYTES;
  recorder.check(
    'the web process memory stays within a per-socket bound while readers are stalled',
    peakMemory <= memoryBound
      ? undefined
      : `grew from ${mib(before)} to ${mib(peakMemory)} MiB (bound ${mib(memoryBound)} MiB)`,
  );
  const bound = total * (BUFFER_LIMIT_BYTES + BUFFER_SLACK_BYTES);
  recorder.check(
    'bytes buffered for stalled sockets stay under the per-socket limit',
    peakBuffered <= bound ? undefined : `${peakBuffered} B buffered for ${total} sockets (bound ${bound} B)`,
  );
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
