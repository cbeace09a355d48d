/**
 * Tokens never reach a log line: every URL that is logged goes through {@link redactUrl}.
 *
 * Two nets, because clients spell things in ways a plain pattern misses: a query parameter whose
 * decoded name is a token name (`token`, `t%6Fken`, `ACCESS_TOKEN`) loses its value, and anything
 * shaped like a JWT loses itself wherever it stands in the URL.
 */

const TOKEN_NAMES = new Set(['token', 'access_token', 'jwt']);
// header.payload.signature, each base64url; the header of every JWT starts with `{"` → `eyJ`.
const JWT_SHAPE = /eyJ[\w-]*\.[\w-]*\.[\w-]*/g;
const REDACTED = '[REDACTED]';

export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const path = queryStart < 0 ? url : url.slice(0, queryStart);
  const query = queryStart < 0 ? undefined : url.slice(queryStart + 1);
  const redactedQuery = query?.split('&').map(redactParameter).join('&');
  const joined = redactedQuery === undefined ? path : `${path}?${redactedQuery}`;
  return joined.replace(JWT_SHAPE, REDACTED);
}

function redactParameter(pair: string): string {
  const equals = pair.indexOf('=');
  if (equals < 0) return pair;
  const name = pair.slice(0, equals);
  return TOKEN_NAMES.has(decodeName(name).trim().toLowerCase()) ? `${name}=${REDACTED}` : pair;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
