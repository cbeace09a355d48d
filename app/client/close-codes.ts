/**
 * What the page does after each WebSocket close code of the contract ("WebSocket", point 4). One
 * table, so the state machine never compares raw numbers and a reader finds every reason here.
 */

/** The server closes with this after it delivered the terminal state. */
export const CLOSE_NORMAL = 1000;
/** The server is going away (deploy, SIGTERM): reconnect. */
export const CLOSE_GOING_AWAY = 1001;
/** Never sent on the wire: the browser reports it when the connection dropped or never opened. */
export const CLOSE_ABNORMAL = 1006;
/** A dependency (Redis) is down: try again later. */
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** The token is missing, malformed or expired: reconnecting cannot help. */
export const CLOSE_UNAUTHORIZED = 4401;
/** The job does not exist or belongs to someone else: reconnecting cannot help. */
export const CLOSE_NOT_FOUND = 4404;
/** The user has too many sockets open: try again later. */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;

/**
 * - `final`: stop watching this job (nothing the client does would change the answer).
 * - `retry`: an unexpected end; reconnect after a backoff delay.
 */
export type CloseAction = 'final' | 'retry';

/** Final reasons a job's watch can end with, shown to the user. */
export type RefusalReason = 'unauthorized' | 'not-found';

/**
 * The action for a close code. Every code that is not final is retried: `1000` without a terminal
 * state first, unknown 4xxx codes and anything else are treated like `1001`, so a future server that
 * adds a code never leaves a page stuck.
 */
export function closeAction(code: number): CloseAction {
  return code === CLOSE_UNAUTHORIZED || code === CLOSE_NOT_FOUND ? 'final' : 'retry';
}

/** Why a final close ended the watch. Only meaningful when {@link closeAction} answers `final`. */
export function refusalOf(code: number): RefusalReason {
  return code === CLOSE_UNAUTHORIZED ? 'unauthorized' : 'not-found';
}
