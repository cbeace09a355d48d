/**
 * Addresses the page talks to, resolved against the page's own address so the page works behind
 * a path prefix (`https://host/prefix/` → `wss://host/prefix/ws/jobs/{id}`). Pure.
 */

/** The page's address without query and fragment (so a `?token=` never leaks into another URL). */
export function pageBase(pageHref: string): URL {
  const base = new URL(pageHref);
  base.search = '';
  base.hash = '';
  return base;
}

/** An HTTP API address, e.g. `apiUrl(href, 'jobs?offset=0')`; `path` is relative (no leading `/`). */
export function apiUrl(pageHref: string, path: string): string {
  return new URL(path, pageBase(pageHref)).toString();
}

/**
 * The job's WebSocket address: same host and path prefix as the page, `http:` → `ws:` and
 * `https:` → `wss:` (a secure page may only open secure sockets).
 */
export function progressSocketUrl(pageHref: string, jobId: string): string {
  const url = new URL(`ws/jobs/${encodeURIComponent(jobId)}`, pageBase(pageHref));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
