/**
 * Pure reading of a WebSocket upgrade request: which job, which token, which subprotocol, which
 * origin. Kept apart from the socket handling so every rule here is tested without a network.
 */
import { BEARER_SUBPROTOCOL } from '../../domain/wire-contract.js';

/** What the gateway needs from an upgrade request; the request itself is not kept. */
export interface UpgradeTarget {
  /** The raw `{job_id}` path segment; validated only after authentication (so a malformed id and an
   * unknown one are refused alike, `4404`). */
  readonly jobId: string;
  readonly token: string | undefined;
  readonly origin: string | undefined;
  /** The `Host` header: what the browser addressed, so a page of this server has `Origin` with it. */
  readonly host: string | undefined;
}

const JOB_PATH = /^\/ws\/jobs\/([^/?#]+)$/;

/**
 * Reads the target of an upgrade request; `undefined` when the path is not `/ws/jobs/{job_id}`
 * (the gateway answers HTTP `404` then, like any unknown route).
 */
export function readUpgradeTarget(
  url: string | undefined,
  headers: { readonly [name: string]: string | string[] | undefined },
): UpgradeTarget | undefined {
  if (!url) return undefined;
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const match = JOB_PATH.exec(path);
  if (!match) return undefined;
  const fromQuery = query < 0 ? null : new URLSearchParams(url.slice(query + 1)).get('token');
  return {
    jobId: match[1]!,
    token: fromQuery || tokenOfProtocols(single(headers['sec-websocket-protocol'])),
    origin: single(headers.origin),
    host: single(headers.host),
  };
}

/**
 * The token of a `Sec-WebSocket-Protocol` list that offers `bearer`: the first other entry.
 * Browsers keep the order the page gave, which is `bearer, <jwt>`.
 */
export function tokenOfProtocols(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const offered = header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (!offered.includes(BEARER_SUBPROTOCOL)) return undefined;
  return offered.find((p) => p !== BEARER_SUBPROTOCOL);
}

/**
 * The subprotocol the server selects: `bearer` whenever it is offered, even when the token turns out
 * bad, so the upgrade completes and the refusal is a close code the page can read. Never the token.
 */
export function selectProtocol(offered: ReadonlySet<string>): string | false {
  return offered.has(BEARER_SUBPROTOCOL) ? BEARER_SUBPROTOCOL : false;
}

/**
 * Whether a browser origin may connect: one listed in `ALLOWED_ORIGINS`, or the server's own (the
 * `Origin`'s host and port are the `Host` the page addressed; the scheme is left out because a TLS
 * proxy in front turns `https:` into plain HTTP here). A request without an `Origin` header is not from
 * a browser page, and tokens do not ride on cookies, so it is allowed. One rule with the HTTP API's CORS.
 */
export function isOriginAllowed(
  origin: string | undefined,
  allowed: readonly string[],
  host: string | undefined,
): boolean {
  if (origin === undefined || allowed.includes(origin)) return true;
  return host !== undefined && hostOf(origin) === host.toLowerCase();
}

/** `host[:port]` of an origin as the `Host` header spells it (default ports left out); `undefined` for `null` and the like. */
function hostOf(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : undefined;
  } catch {
    return undefined;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
