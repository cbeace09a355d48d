/**
 * What every class must leave behind: no process crashed, no unhandled rejection or uncaught
 * exception, no `500`, heap back to its baseline after a full GC, a normal job still served end to
 * end, and no token in any log line.
 */
import { randomUUID } from 'node:crypto';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv, type UploadAnswer } from '../../kit/csv-upload.js';
import { awaitJobOutcome } from '../clients/job-outcome.js';
import { watchJob } from '../clients/ws-watcher.js';
import type { CaseRecorder } from '../report/class-result.js';
import type { ChaosStack, StackProcess } from './chaos-stack.js';
import { findTokenLeaks } from './token-scan.js';

export interface Baseline {
  readonly heaps: Map<StackProcess, number>;
  readonly mark: Map<StackProcess, number>;
}

/**
 * Growth of heap + external memory still counted as "back to baseline": code compiled and caches
 * filled by the first use of a path stay after GC. A leak of per-request or per-connection state
 * grows far beyond this.
 */
export const HEAP_TOLERANCE_BYTES = 12 * 1024 * 1024;

const NORMAL_JOB_ROWS = 20;

const CRASH_LINE = /unhandled ?rejection|uncaught ?exception|ERR_UNHANDLED_REJECTION|"level":60/i;
const INTERNAL_ERROR_LINE = /"statusCode":500|"msg":"request failed"/;

/** Warms the stack up with a normal job, then takes each process's heap and a log mark. */
export async function takeBaseline(stack: ChaosStack): Promise<Baseline> {
  const failure = await runNormalJob(stack);
  if (failure) throw new Error(`the stack does not serve a normal job before the class starts: ${failure}`);
  return { heaps: await stack.heaps(), mark: stack.logMark() };
}

/** Runs the after-class checks, each as one case of `recorder`. */
export async function checkAfterClass(stack: ChaosStack, baseline: Baseline, recorder: CaseRecorder): Promise<void> {
  const crashed = stack.crashed();
  recorder.check(
    'after: no process crashed',
    crashed.length === 0
      ? undefined
      : crashed
          .map(
            (p) =>
              `${p.name} exited (${p.proc.child.exitCode ?? p.proc.child.signalCode}): ${p.proc.lines.slice(-5).join(' | ')}`,
          )
          .join('; '),
  );

  const lines = stack.linesSince(baseline.mark);
  const crashLines = lines.filter((l) => CRASH_LINE.test(l.line));
  recorder.check(
    'after: no unhandled rejection or uncaught exception',
    crashLines.length === 0
      ? undefined
      : `${crashLines.length} line(s), first from ${crashLines[0]!.process.name}: ${crashLines[0]!.line}`,
  );
  const internal = lines.filter((l) => INTERNAL_ERROR_LINE.test(l.line));
  recorder.check(
    'after: no 500 answer',
    internal.length === 0
      ? undefined
      : `${internal.length} line(s), first from ${internal[0]!.process.name}: ${internal[0]!.line}`,
  );

  recorder.check('after: a normal job is served end to end', await runNormalJob(stack));
  await checkHeaps(stack, baseline, recorder);

  const leaks = findTokenLeaks(stack.logLines(), stack.knownSecrets());
  recorder.check(
    'after: no token in any log line',
    leaks.length === 0 ? undefined : `${leaks.length} line(s) hold a token, first: ${leaks[0]!.slice(0, 300)}`,
  );
}

async function checkHeaps(stack: ChaosStack, baseline: Baseline, recorder: CaseRecorder): Promise<void> {
  const after = await stack.heaps();
  const grown: string[] = [];
  const figures: string[] = [];
  for (const [process, bytes] of after) {
    // A process started during the class (a replacement worker) has no baseline of its own.
    const before = baseline.heaps.get(process);
    if (before === undefined) continue;
    figures.push(`${process.name} ${mib(before)} -> ${mib(bytes)} MiB`);
    if (bytes > before + HEAP_TOLERANCE_BYTES)
      grown.push(`${process.name} grew from ${mib(before)} to ${mib(bytes)} MiB`);
  }
  recorder.note(`memory (heap + external) after GC: ${figures.join(', ')}`);
  recorder.check('after: memory back to baseline', grown.length === 0 ? undefined : grown.join('; '));
}

/** Uploads a small CSV as a fresh user and follows it to `succeeded` with every row (and over WebSocket). */
export async function runNormalJob(stack: ChaosStack): Promise<string | undefined> {
  const token = await stack.token(`normal-${randomUUID()}`);
  let upload: UploadAnswer;
  try {
    upload = await uploadCsv(stack.url, token, sampleCsv(NORMAL_JOB_ROWS), { filename: 'normal.csv' });
  } catch (error) {
    return `upload failed: ${(error as Error).message}`;
  }
  if (upload.status !== 201) return `upload answered ${upload.status}: ${JSON.stringify(upload.body).slice(0, 200)}`;
  const urls = (): string[] => stack.webs.map((w) => w.url);
  // With WebSocket on, the normal job is also watched live: the feed must work after the class too.
  const websocket = await fetch(`${stack.url}/config`).then(
    async (r) => ((await r.json()) as { enableWebsocket: boolean }).enableWebsocket,
  );
  const watcher = websocket
    ? watchJob({ urls, token, jobId: upload.body.id, deadline: Date.now() + 60_000 })
    : undefined;
  const outcome = await awaitJobOutcome({
    urls,
    token,
    jobId: upload.body.id,
    expectedRows: NORMAL_JOB_ROWS,
    timeoutMs: 60_000,
  });
  if (outcome.status !== 'succeeded') return `normal job ${outcome.status}: ${outcome.detail}`;
  const watched = await watcher;
  if (watched && (watched.terminalStatus !== 'succeeded' || watched.violations.length > 0)) {
    return `the WebSocket client of the normal job saw ${watched.terminalStatus ?? 'no terminal state'} ${watched.violations.join('; ')}`;
  }
  return undefined;
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
