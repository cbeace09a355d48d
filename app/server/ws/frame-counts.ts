/**
 * Frame counters as plain numbers: a fan-out to 10,000 sockets adds to these in its loop, and the
 * Prometheus counters read them only when `/metrics` is scraped (see `ws-metrics.ts`).
 */
export class FrameCounts {
  /** Frames written to sockets. */
  sent = 0;
  /** States replaced by a newer one before a slow socket could take them. */
  coalesced = 0;
  /** States not sent because the socket already had a newer `seq` (e.g. the snapshot after a resubscribe). */
  droppedStale = 0;
  /** States held for a socket that closed before it could take them. */
  droppedClosed = 0;
}
