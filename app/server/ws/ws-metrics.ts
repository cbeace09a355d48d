/**
 * WebSocket and relay metrics on the web process' registry (next to `http_requests_total`). Gauges and
 * frame counters are read when `/metrics` is scraped, so the hot path only adds to plain numbers.
 * Names are listed in docs/websocket.md; `npm run status` reads `ws_connections_open` and
 * `ws_frames_sent_total`.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC } from '../../domain/metric-names.js';
import { FrameCounts } from './frame-counts.js';

/** What the gauges read at scrape time. */
export interface WsMetricsSource {
  openSockets(): number;
  bufferedBytes(): number;
  subscriptions(): number;
}

export class WsMetrics {
  readonly counts = new FrameCounts();
  readonly opened: Counter;
  readonly closed: Counter<'code'>;
  readonly deliveryLatency: Histogram;

  constructor(registry: Registry, source: WsMetricsSource) {
    const registers = [registry];
    const counts = this.counts;
    new Gauge({
      name: METRIC.wsConnectionsOpen,
      help: 'Open WebSocket connections (upgraded, not yet closed)',
      registers,
      collect() {
        this.set(source.openSockets());
      },
    });
    this.opened = new Counter({ name: METRIC.wsConnectionsOpened, help: 'WebSocket upgrades completed', registers });
    this.closed = new Counter({
      name: METRIC.wsConnectionsClosed,
      help: 'WebSocket connections closed, by close code (refusals included)',
      labelNames: ['code'] as const,
      registers,
    });
    new Counter({
      name: METRIC.wsFramesSent,
      help: 'Progress frames written to WebSockets',
      registers,
      collect() {
        this.reset();
        this.inc(counts.sent);
      },
    });
    new Counter({
      name: METRIC.wsFramesCoalesced,
      help: 'Progress states skipped for a slow WebSocket because a newer one replaced them',
      registers,
      collect() {
        this.reset();
        this.inc(counts.coalesced);
      },
    });
    new Counter({
      name: METRIC.wsFramesDropped,
      help: 'Progress states not sent: stale (not newer than what the socket has) or closed (socket closed first)',
      labelNames: ['reason'] as const,
      registers,
      collect() {
        this.reset();
        this.inc({ reason: 'stale' }, counts.droppedStale);
        this.inc({ reason: 'closed' }, counts.droppedClosed);
      },
    });
    new Gauge({
      name: METRIC.wsBufferedBytes,
      help: 'Bytes written to WebSockets but not yet taken by the network, summed over sockets',
      registers,
      collect() {
        this.set(source.bufferedBytes());
      },
    });
    new Gauge({
      name: METRIC.progressRedisSubscriptions,
      help: 'job_progress channels the relay is subscribed to (one per job being watched)',
      registers,
      collect() {
        this.set(source.subscriptions());
      },
    });
    this.deliveryLatency = new Histogram({
      name: METRIC.deliveryLatency,
      help: 'From a Progress message\'s "at" to its fan-out to every WebSocket of the job',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }
}
