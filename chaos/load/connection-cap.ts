/**
 * The per-user WebSocket cap: a user opening more sockets than WS_MAX_CONNECTIONS_PER_USER gets
 * exactly the cap admitted (each with its snapshot) and the rest closed `4429` before any frame; a
 * freed place can be taken again; another user is not affected.
 */
import WebSocket from 'ws';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { awaitJobOutcome } from '../clients/job-outcome.js';
import { wsUrl } from '../clients/ws-watcher.js';
import type { CaseRecorder } from '../report/class-result.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { BEARER_SUBPROTOCOL, CLOSE_NORMAL, CLOSE_TOO_MANY_CONNECTIONS } from '../../app/domain/wire-contract.js';

interface Attempt {
  readonly socket: WebSocket;
  /** Resolves with 'admitted' on the first frame, or the close code of a refusal. */
  readonly outcome: Promise<'admitted' | number>;
}

function attempt(stack: ChaosStack, jobId: string, token: string): Attempt {
  const socket = new WebSocket(wsUrl(stack.url, jobId), [BEARER_SUBPROTOCOL, token], { perMessageDeflate: false });
  const outcome = new Promise<'admitted' | number>((resolve) => {
    socket.once('message', () => resolve('admitted'));
    socket.once('close', (code) => resolve(code));
    socket.on('error', () => undefined);
  });
  return { socket, outcome };
}

export async function checkConnectionCap(
  stack: ChaosStack,
  recorder: CaseRecorder,
  cap: number,
  longJobRows: number,
): Promise<void> {
  const token = await stack.token('greedy-user');
  const upload = await uploadCsv(stack.url, token, sampleCsv(longJobRows));
  const jobId = upload.body.id;
  const extra = 5;
  const attempts = Array.from({ length: cap + extra }, () => attempt(stack, jobId, token));
  const outcomes = await Promise.all(attempts.map((a) => a.outcome));
  const admitted = outcomes.filter((o) => o === 'admitted').length;
  const refused = outcomes.filter((o) => o === CLOSE_TOO_MANY_CONNECTIONS).length;
  recorder.check(
    `${cap + extra} sockets of one user: ${cap} admitted`,
    admitted === cap ? undefined : `${admitted} admitted`,
  );
  recorder.check(
    `${cap + extra} sockets of one user: ${extra} closed ${CLOSE_TOO_MANY_CONNECTIONS} before a frame`,
    refused === extra
      ? undefined
      : `${refused} closed ${CLOSE_TOO_MANY_CONNECTIONS}; outcomes ${JSON.stringify(outcomes.filter((o) => o !== 'admitted'))}`,
  );

  const bystander = await stack.token('modest-user');
  const theirs = await uploadCsv(stack.url, bystander, sampleCsv(2));
  const other = attempt(stack, theirs.body.id, bystander);
  const otherOutcome = await other.outcome;
  other.socket.terminate();
  recorder.check(
    'another user is admitted while the first is at the cap',
    otherOutcome === 'admitted' ? undefined : `closed ${otherOutcome} without a frame`,
  );

  // Free two places: two new sockets fit, a third does not.
  const open = attempts.filter((_, i) => outcomes[i] === 'admitted');
  for (const a of open.slice(0, 2)) {
    a.socket.close(CLOSE_NORMAL);
    await new Promise((resolve) => a.socket.once('close', resolve));
  }
  const again = [attempt(stack, jobId, token), attempt(stack, jobId, token), attempt(stack, jobId, token)];
  const againOutcomes = await Promise.all(again.map((a) => a.outcome));
  recorder.check(
    'freed places are taken again, and the cap still holds',
    againOutcomes.filter((o) => o === 'admitted').length === 2 &&
      againOutcomes.filter((o) => o === CLOSE_TOO_MANY_CONNECTIONS).length === 1
      ? undefined
      : `outcomes ${JSON.stringify(againOutcomes)}`,
  );
  for (const a of [...attempts, ...again]) a.socket.terminate();
  // Leave nothing running behind: the long job ends before the next check measures anything.
  await awaitJobOutcome({ urls: () => [stack.url], token, jobId, expectedRows: longJobRows, timeoutMs: 300_000 });
}
