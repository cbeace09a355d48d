/**
 * Pure judgement of what a job's WebSocket delivered, against the contract: a first frame at once,
 * every frame a Progress message of this job, `seq` strictly increasing, the last frame terminal,
 * then close `1000`.
 */
import { parseProgressMessage, type ProgressMessage } from '../../../app/domain/progress-message.js';
import type { SocketOutcome } from './socket-watch.js';
import {
  BEARER_SUBPROTOCOL,
  CLOSE_ABNORMAL,
  CLOSE_GOING_AWAY,
  CLOSE_NORMAL,
  CLOSE_NOT_FOUND,
  CLOSE_TOO_MANY_CONNECTIONS,
  CLOSE_TRY_AGAIN_LATER,
  CLOSE_UNAUTHORIZED,
} from '../../../app/domain/wire-contract.js';

export type FramesVerdict =
  | { readonly ok: true; readonly detail: string; readonly last: ProgressMessage }
  | { readonly ok: false; readonly detail: string };

/** What the close codes of the contract mean, for the failure message. */
const CLOSE_MEANINGS: Readonly<Record<number, string>> = {
  [CLOSE_GOING_AWAY]: 'server going away',
  [CLOSE_ABNORMAL]: 'abnormal close (proxy or load balancer cut the connection?)',
  [CLOSE_TRY_AGAIN_LATER]: 'try again later: Redis is down',
  [CLOSE_UNAUTHORIZED]: "unauthorized: the token does not match this deployment's JWT_SECRET",
  [CLOSE_NOT_FOUND]: 'job not found for this user',
  [CLOSE_TOO_MANY_CONNECTIONS]: 'too many connections for this user',
};

export function judgeJobSocket(jobId: string, outcome: SocketOutcome): FramesVerdict {
  switch (outcome.kind) {
    case 'refused':
      return { ok: false, detail: refusalDetail(outcome.status, outcome.body) };
    case 'error':
      return { ok: false, detail: `WebSocket error after ${outcome.frames.length} frame(s): ${outcome.message}` };
    case 'timeout':
      return {
        ok: false,
        detail: `no terminal state within the time limit (${outcome.frames.length} frame(s) seen); is the rq-worker running? kubectl get pods -n <namespace> -l app=rq-worker`,
      };
    case 'closed':
      return judgeClosed(jobId, outcome);
  }
}

function judgeClosed(jobId: string, outcome: Extract<SocketOutcome, { kind: 'closed' }>): FramesVerdict {
  const { frames, code } = outcome;
  if (frames.length === 0) {
    const meaning = CLOSE_MEANINGS[code] ?? 'no frame was sent';
    return { ok: false, detail: `closed ${code} before any frame (${meaning})` };
  }
  if (outcome.protocol !== BEARER_SUBPROTOCOL) {
    return {
      ok: false,
      detail: `the server selected subprotocol "${outcome.protocol}"; the contract says it selects "${BEARER_SUBPROTOCOL}"`,
    };
  }
  const messages: ProgressMessage[] = [];
  for (const [index, text] of frames.entries()) {
    const message = parseProgressMessage(text);
    if (!message) return { ok: false, detail: `frame ${index + 1} is not a Progress message: ${text.slice(0, 120)}` };
    if (message.jobId !== jobId)
      return { ok: false, detail: `frame ${index + 1} is for job ${message.jobId}, not ${jobId}` };
    const previous = messages.at(-1);
    if (previous && message.seq <= previous.seq) {
      return {
        ok: false,
        detail: `frame ${index + 1} has seq ${message.seq} after seq ${previous.seq}; frames must never go back`,
      };
    }
    messages.push(message);
  }
  const first = messages[0]!;
  const last = messages.at(-1)!;
  if (last.status !== 'succeeded' && last.status !== 'failed') {
    return { ok: false, detail: `closed ${code} with the job still ${last.status} (seq ${last.seq})` };
  }
  if (code !== CLOSE_NORMAL)
    return { ok: false, detail: `closed ${code} after the terminal state; expected ${CLOSE_NORMAL}` };
  if (last.status === 'failed') return { ok: false, detail: `the job failed: ${last.error ?? 'no error message'}` };
  return {
    ok: true,
    last,
    detail: `${messages.length} frame(s), seq ${first.seq}→${last.seq}, ${last.status} ${last.processed}/${last.total}, closed ${CLOSE_NORMAL}`,
  };
}

function refusalDetail(status: number, body: string): string {
  let code: string | undefined;
  try {
    code = (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    // not the contract's JSON: a proxy answered
  }
  if (status === 503 && code === 'WEBSOCKET_DISABLED') {
    return 'upgrade refused with 503 WEBSOCKET_DISABLED: WebSocket is turned off on this deployment. Re-run with --websocket off to check the polling fallback.';
  }
  if (status === 404)
    return 'upgrade answered 404: this deployment has no /ws/jobs/{id} endpoint (an image older than the WebSocket feature?)';
  return `upgrade refused with HTTP ${status}${code ? ` ${code}` : ''}: ${body.slice(0, 160)} (does the load balancer pass WebSocket upgrades?)`;
}

/** True when a refusal is the contract's "WebSocket turned off" answer. */
export function isWebsocketDisabledRefusal(outcome: SocketOutcome): boolean {
  if (outcome.kind !== 'refused' || outcome.status !== 503) return false;
  try {
    return (JSON.parse(outcome.body) as { error?: { code?: string } }).error?.code === 'WEBSOCKET_DISABLED';
  } catch {
    return false;
  }
}
