/**
 * The browser's transports for {@link JobWatcher}: a WebSocket per job, authenticated with the
 * `bearer` subprotocol pair (keeps the token out of URLs, history and access logs), and polling
 * through the HTTP API.
 */
import { BEARER_SUBPROTOCOL } from '../domain/wire-contract.js';
import type { ApiClient } from './api.js';
import type { SocketLike, WatchPlatform } from './job-watcher.js';
import { progressSocketUrl } from './urls.js';

export interface BrowserPlatformOptions {
  readonly pageHref: string;
  readonly token: () => string | undefined;
  readonly api: ApiClient;
  readonly pollIntervalMs: number;
  readonly WebSocket: typeof WebSocket;
}

export function browserPlatform(options: BrowserPlatformOptions): WatchPlatform {
  return {
    pollIntervalMs: options.pollIntervalMs,
    openSocket: (jobId) =>
      adapt(
        new options.WebSocket(progressSocketUrl(options.pageHref, jobId), [BEARER_SUBPROTOCOL, options.token() ?? '']),
      ),
    fetchProgress: (jobId) => options.api.progress(jobId),
  };
}

/** The watcher's view of a browser WebSocket. */
function adapt(ws: WebSocket): SocketLike {
  const socket: SocketLike = {
    onmessage: null,
    onclose: null,
    close: (code) => ws.close(code),
  };
  ws.onmessage = (event) => socket.onmessage?.(event);
  ws.onclose = (event) => socket.onclose?.(event);
  return socket;
}
