/**
 * What the server does with close codes beyond choosing them (the codes themselves are the wire
 * contract's, app/domain/wire-contract.ts; refusals come from {@link AppError.wsCloseCode} in
 * `app/errors.ts`): the reason text it sends and the metric label it counts a close under.
 */
import {
  CLOSE_ABNORMAL,
  CLOSE_GOING_AWAY,
  CLOSE_INTERNAL_ERROR,
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_NO_STATUS,
  CLOSE_NORMAL,
  CLOSE_NOT_FOUND,
  CLOSE_POLICY_VIOLATION,
  CLOSE_TOO_MANY_CONNECTIONS,
  CLOSE_TRY_AGAIN_LATER,
  CLOSE_UNAUTHORIZED,
} from '../../domain/wire-contract.js';

/** Close reasons are at most 123 bytes (RFC 6455 §5.5): a longer one would make `ws` throw. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let cut = text.slice(0, 120);
  while (Buffer.byteLength(cut) > 120) cut = cut.slice(0, -1);
  return `${cut}...`;
}

// Labels of `ws_connections_closed_total`: a client may close with any code from 3000 to 4999, so
// codes outside this list are counted as `other` to keep the metric's cardinality bounded.
const KNOWN_CODES = new Set([
  CLOSE_NORMAL,
  CLOSE_GOING_AWAY,
  CLOSE_NO_STATUS,
  CLOSE_ABNORMAL,
  CLOSE_POLICY_VIOLATION,
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_INTERNAL_ERROR,
  CLOSE_TRY_AGAIN_LATER,
  CLOSE_UNAUTHORIZED,
  CLOSE_NOT_FOUND,
  CLOSE_TOO_MANY_CONNECTIONS,
]);

/** The metric label of a close code. */
export function closeCodeLabel(code: number): string {
  return KNOWN_CODES.has(code) ? String(code) : 'other';
}
