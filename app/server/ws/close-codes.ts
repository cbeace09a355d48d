/**
 * Every WebSocket close code this server uses, and why. Refusals (`4401`, `4404`, `4429`, `1013`
 * before any frame) come from {@link AppError.wsCloseCode} in `app/errors.ts`; the codes below are
 * the ones that are not errors of a request.
 */

/** The terminal state was sent: the job is over, do not reconnect. */
export const CLOSE_DONE = 1000;
/** The server is shutting down (SIGTERM): reconnect, another pod answers. */
export const CLOSE_GOING_AWAY = 1001;
/** No close frame arrived (peer vanished, or missed a heartbeat and was terminated). */
export const CLOSE_ABNORMAL = 1006;
/** Redis is unreachable, or the client reads too slowly: reconnect later and get a fresh snapshot. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** Close reasons are at most 123 bytes (RFC 6455 §5.5): a longer one would make `ws` throw. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let cut = text.slice(0, 120);
  while (Buffer.byteLength(cut) > 120) cut = cut.slice(0, -1);
  return `${cut}...`;
}

// Labels of `ws_connections_closed_total`: a client may close with any code from 3000 to 4999, so
// codes outside this list are counted as `other` to keep the metric's cardinality bounded.
const KNOWN_CODES = new Set([1000, 1001, 1005, 1006, 1008, 1009, 1011, 1013, 4401, 4404, 4429]);

/** The metric label of a close code. */
export function closeCodeLabel(code: number): string {
  return KNOWN_CODES.has(code) ? String(code) : 'other';
}
