/** The plain HTTP checks of verify: `/health`, `/ready` and `/config`. */
import { CheckFailure } from './check-result.js';
import { POLL_INTERVAL_MS } from '../../../app/domain/wire-contract.js';

/** Per-request limit: a deployment that takes longer than this to answer a probe is not healthy. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** GET/POST with a timeout, answering status and body text (never throws on HTTP errors). */
export async function request(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** The `error.message` of a contract error body, else the start of the body. */
export function errorMessageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.code) return `${body.error.code}: ${body.error.message ?? ''}`.trim();
  } catch {
    // not JSON: show the raw start
  }
  return text.slice(0, 200);
}

/** `GET /health` answers exactly `200 {"status":"ok"}`. */
export async function checkHealth(baseUrl: string): Promise<string> {
  const answer = await request(`${baseUrl}/health`);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  const isOk =
    typeof body === 'object' &&
    body !== null &&
    Object.keys(body).length === 1 &&
    (body as { status?: unknown }).status === 'ok';
  if (answer.status !== 200 || !isOk) {
    throw new CheckFailure(
      `GET /health answered ${answer.status} ${answer.text.slice(0, 200)}; expected 200 {"status":"ok"}. Check the web pod: kubectl logs -n <namespace> -l app=web --tail=100`,
    );
  }
  return `200 ${answer.text.trim()}`;
}

/** `GET /ready` answers 200, i.e. the web server reaches Redis. */
export async function checkReady(baseUrl: string): Promise<string> {
  const answer = await request(`${baseUrl}/ready`);
  if (answer.status !== 200) {
    throw new CheckFailure(
      `GET /ready answered ${answer.status} (${errorMessageOf(answer.text)}); the web server does not reach Redis. Check: kubectl get pods -n <namespace> -l app=redis`,
    );
  }
  return '200 Redis answers';
}

/** `GET /config` says WebSocket is on (or off) as expected and the poll interval is the contract's. */
export async function checkConfig(baseUrl: string, expectWebsocket: boolean): Promise<string> {
  const answer = await request(`${baseUrl}/config`);
  let body: { enableWebsocket?: unknown; pollIntervalMs?: unknown } = {};
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    // judged below
  }
  if (answer.status !== 200 || typeof body.enableWebsocket !== 'boolean') {
    throw new CheckFailure(
      `GET /config answered ${answer.status} ${answer.text.slice(0, 200)}; expected {"enableWebsocket": bool, "pollIntervalMs": ${POLL_INTERVAL_MS}}.`,
    );
  }
  if (body.enableWebsocket !== expectWebsocket) {
    throw new CheckFailure(
      expectWebsocket
        ? 'WebSocket is turned off on this deployment (enableWebsocket=false): clients poll. Re-run with --websocket off to check the polling fallback, or turn it back on (see docs/runbook.md#quick-websocket-off).'
        : 'WebSocket is still on (enableWebsocket=true); the rollback has not reached the web pods yet.',
    );
  }
  if (body.pollIntervalMs !== POLL_INTERVAL_MS)
    throw new CheckFailure(`pollIntervalMs is ${String(body.pollIntervalMs)}; the contract fixes ${POLL_INTERVAL_MS}.`);
  return `enableWebsocket=${body.enableWebsocket} pollIntervalMs=${POLL_INTERVAL_MS}`;
}
