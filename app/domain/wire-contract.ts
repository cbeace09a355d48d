/**
 * The wire contract between the server and everything that talks to it (the page, `npm run verify`,
 * the chaos and benchmark clients): WebSocket close codes, the token subprotocol,
 * the poll interval, the page size, the not-found text and the page's reconnect policy. Each value
 * is defined here once and imported wherever the protocol is spoken, so the two sides cannot drift.
 *
 * Pure and browser-safe (no Node APIs): the page bundles it.
 */

// ---- WebSocket close codes -------------------------------------------------------------------
// 1xxx are RFC 6455 §7.4.1 codes (1013 from the IANA registry); 44xx are this service's own,
// mirroring the HTTP status of the same refusal.

/**
 * Normal closure. The server sends it after the terminal state (the job is over: do not
 * reconnect); a client sends it when it stops watching.
 */
export const CLOSE_NORMAL = 1000;
/** The server is shutting down (SIGTERM): reconnect, another process answers. */
export const CLOSE_GOING_AWAY = 1001;
/** A frame broke the protocol (bad opcode, unmasked, fragmented control frame, ...). */
export const CLOSE_PROTOCOL_ERROR = 1002;
/** The peer closed without a status code (never sent; only reported). */
export const CLOSE_NO_STATUS = 1005;
/**
 * No close frame arrived: the connection dropped, never opened, or missed a heartbeat and was
 * terminated. Never sent on the wire; clients treat it like {@link CLOSE_GOING_AWAY}.
 */
export const CLOSE_ABNORMAL = 1006;
/** A text frame or close reason was not valid UTF-8. */
export const CLOSE_INVALID_PAYLOAD = 1007;
/** A frame broke a rule of the endpoint (e.g. a client sent data on a server-push socket). */
export const CLOSE_POLICY_VIOLATION = 1008;
/** A frame was larger than the endpoint accepts. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;
/** An unexpected server error: reconnect. */
export const CLOSE_INTERNAL_ERROR = 1011;
/** A proxy or server restarts: reconnect. */
export const CLOSE_SERVICE_RESTART = 1012;
/** A dependency (Redis) is down, or the client reads too slowly: reconnect later for a fresh snapshot. */
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** The token is missing, malformed, expired or from a foreign origin: reconnecting cannot help. */
export const CLOSE_UNAUTHORIZED = 4401;
/** The job does not exist or belongs to someone else: reconnecting cannot help. */
export const CLOSE_NOT_FOUND = 4404;
/** The user has too many sockets open: try again later. */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;

/**
 * The codes after which the contract tells a client to reconnect (`1006` counts as `1001`). Any
 * code that is not final is retried anyway (see {@link closeAction}); these are the expected ones.
 */
export const RECONNECT_CLOSE_CODES: readonly number[] = [
  CLOSE_GOING_AWAY,
  CLOSE_ABNORMAL,
  CLOSE_TRY_AGAIN_LATER,
  CLOSE_TOO_MANY_CONNECTIONS,
];

/**
 * - `final`: stop watching this job (nothing the client does would change the answer).
 * - `retry`: an unexpected end; reconnect after a backoff delay.
 */
export type CloseAction = 'final' | 'retry';

/** Final reasons a job's watch can end with. */
export type RefusalReason = 'unauthorized' | 'not-found';

/**
 * What a client does after a close code. Every code that is not final is retried: `1000` without a
 * terminal state first, unknown 4xxx codes and anything else are treated like `1001`, so a future
 * server that adds a code never leaves a client stuck.
 */
export function closeAction(code: number): CloseAction {
  return code === CLOSE_UNAUTHORIZED || code === CLOSE_NOT_FOUND ? 'final' : 'retry';
}

/** Why a final close ended the watch. Only meaningful when {@link closeAction} answers `final`. */
export function refusalOf(code: number): RefusalReason {
  return code === CLOSE_UNAUTHORIZED ? 'unauthorized' : 'not-found';
}

// ---- WebSocket authentication ------------------------------------------------------------------

/**
 * The subprotocol that carries a token: `new WebSocket(url, [BEARER_SUBPROTOCOL, jwt])`; the server
 * selects it. It keeps the token out of URLs, browser history and access logs.
 */
export const BEARER_SUBPROTOCOL = 'bearer';

// ---- HTTP ---------------------------------------------------------------------------------------

/** `GET /config`'s `pollIntervalMs`: how often a client without WebSocket polls a job's progress. */
export const POLL_INTERVAL_MS = 2000;

/** `GET /jobs`'s default `limit`, and the page's page size. */
export const PAGE_SIZE = 60;

/** The largest `limit` `GET /jobs` accepts; more answers `400`. */
export const MAX_PAGE_LIMIT = 100;

/**
 * The message of a `404`/`4404` for a job: the same for a job that does not exist and for another
 * user's job, so an answer never tells whether someone else's id is real.
 */
export const JOB_NOT_FOUND_MESSAGE = 'No such job. Check the id; jobs are visible only to the user who uploaded them.';

// ---- The page's reconnect policy ---------------------------------------------------------------

/**
 * How the page reconnects a job's WebSocket: full-jitter exponential backoff from `backoffBaseMs`
 * doubling up to `backoffCapMs`, and polling (while retrying WebSocket in the background) after
 * `failuresBeforeFallback` failed attempts in a row. The base also paces the shutdown arithmetic
 * of the manifests (infra/k8s/web-chart.ts): a client cut off by a stopping pod comes back within it.
 */
export const RECONNECT_POLICY = {
  /** Delay ceiling of the first retry. */
  backoffBaseMs: 3000,
  /** Largest ceiling; doubling stops here. */
  backoffCapMs: 24_000,
  /** Failed WebSocket attempts in a row after which the job is polled instead. */
  failuresBeforeFallback: 3,
} as const;
