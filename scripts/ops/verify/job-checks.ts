/**
 * The end-to-end job checks: a tiny job watched over WebSocket (`websocket-job`), or — when WebSocket
 * is turned off — the refusal of the upgrade (`websocket-disabled`) and the same job followed by
 * polling `GET /jobs/{id}/progress` as the page then does (`polling-job`).
 */
import { randomUUID } from 'node:crypto';
import { parseProgressMessage } from '../../../app/domain/progress-message.js';
import { CheckFailure } from './check-result.js';
import { jobSocketUrl } from './deployment-url.js';
import { errorMessageOf, request } from './http-checks.js';
import { isWebsocketDisabledRefusal, judgeJobSocket } from './job-frames.js';
import { watchSocket } from './socket-watch.js';
import { uploadTinyJob } from './tiny-job.js';
import { CLOSE_UNAUTHORIZED } from '../../../app/domain/wire-contract.js';

export interface JobCheckOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** Longest wait for the job to reach its terminal state. */
  readonly timeoutMs: number;
  /** `Origin` of the WebSocket, as the frontend's page sends it. */
  readonly origin?: string;
}

/** Uploads the tiny job, watches it over WebSocket to `succeeded` and close 1000; answers detail and job id. */
export async function checkWebsocketJob(options: JobCheckOptions): Promise<{ detail: string; jobId: string }> {
  const jobId = await uploadTinyJob(options.baseUrl, options.token);
  const url = jobSocketUrl(options.baseUrl, jobId);
  const outcome = await watchSocket(url, options.token, options.timeoutMs, options.origin);
  const verdict = judgeJobSocket(jobId, outcome);
  // The scheme says whether the socket went through TLS (wss: for an https: deployment).
  const over = `over ${new URL(url).protocol}//`;
  if (!verdict.ok) {
    const originHint =
      options.origin !== undefined && outcome.kind === 'closed' && outcome.code === CLOSE_UNAUTHORIZED
        ? `; or ${options.origin} is not in ALLOWED_ORIGINS`
        : '';
    throw new CheckFailure(`job ${jobId} ${over}: ${verdict.detail}${originHint}`);
  }
  return { detail: `job ${jobId} ${over}: ${verdict.detail}`, jobId };
}

/** The upgrade is refused with `503` and `WEBSOCKET_DISABLED`, as the contract says when it is off. */
export async function checkWebsocketDisabled(options: JobCheckOptions): Promise<string> {
  // Any id will do: the refusal comes before the job is looked up.
  const outcome = await watchSocket(jobSocketUrl(options.baseUrl, randomUUID()), options.token, 10_000);
  if (isWebsocketDisabledRefusal(outcome)) return 'upgrade refused with 503 WEBSOCKET_DISABLED';
  const seen =
    outcome.kind === 'refused'
      ? `HTTP ${outcome.status} ${outcome.body.slice(0, 120)}`
      : outcome.kind === 'closed'
        ? `an accepted WebSocket (closed ${outcome.code}): WebSocket is still on`
        : outcome.kind;
  throw new CheckFailure(`expected the upgrade refused with 503 WEBSOCKET_DISABLED, got ${seen}.`);
}

/** Interval of verify's polling: faster than the page's POLL_INTERVAL_MS, it is one client for a few seconds. */
const POLL_EVERY_MS = 250;

/** Uploads the tiny job and polls its progress to `succeeded`, checking `seq` never goes back. */
export async function checkPollingJob(options: JobCheckOptions): Promise<{ detail: string; jobId: string }> {
  const jobId = await uploadTinyJob(options.baseUrl, options.token);
  const deadline = Date.now() + options.timeoutMs;
  let polls = 0;
  let lastSeq = -1;
  for (;;) {
    const answer = await request(`${options.baseUrl}/jobs/${jobId}/progress`, {
      headers: { authorization: `Bearer ${options.token}` },
    });
    polls += 1;
    if (answer.status !== 200)
      throw new CheckFailure(
        `job ${jobId}: GET /jobs/${jobId}/progress answered ${answer.status} (${errorMessageOf(answer.text)}).`,
      );
    const message = parseProgressMessage(answer.text);
    if (!message || message.jobId !== jobId)
      throw new CheckFailure(`job ${jobId}: not a Progress message of this job: ${answer.text.slice(0, 120)}`);
    if (message.seq < lastSeq) throw new CheckFailure(`job ${jobId}: seq went back from ${lastSeq} to ${message.seq}.`);
    lastSeq = message.seq;
    if (message.status === 'failed')
      throw new CheckFailure(`job ${jobId}: the job failed: ${message.error ?? 'no error message'}`);
    if (message.status === 'succeeded') {
      return {
        detail: `job ${jobId}: succeeded ${message.processed}/${message.total} at seq ${message.seq} after ${polls} poll(s)`,
        jobId,
      };
    }
    if (Date.now() > deadline)
      throw new CheckFailure(`job ${jobId}: still ${message.status} after ${polls} polls; is the rq-worker running?`);
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
}
