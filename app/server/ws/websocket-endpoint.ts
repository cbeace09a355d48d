/**
 * Wires `/ws/jobs/{job_id}` into the web server: the HTTP server's `upgrade` event goes straight to
 * `ws` (no fastify request/reply per connection, which halves the memory an idle socket costs, see
 * docs/websocket.md). Refusals that happen before the upgrade are answered here: an unknown path is
 * `404` like any unknown route, and with ENABLE_WEBSOCKET=false every upgrade is `503`
 * `WEBSOCKET_DISABLED` so pages fall back to polling.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import type { JobStore } from '../../store/job-store.js';
import type { WebMetrics } from '../metrics.js';
import { refuseUpgrade } from './http-refusal.js';
import { ProgressGateway, WS_ROUTE, type GatewayConfig } from './progress-gateway.js';
import type { ConnectionSlots } from './connection-slots.js';
import { ProgressRelay } from './progress-relay.js';
import type { ProgressSocket } from './progress-socket.js';
import { readUpgradeTarget } from './upgrade-request.js';

export interface WebSocketEndpointOptions {
  readonly config: GatewayConfig & Pick<Config, 'enableWebsocket'>;
  readonly store: Pick<JobStore, 'read'>;
  /** The process' one subscriber connection (`connectRedis(url, 'web-subscriber')`); unused when off. */
  readonly subscriber: Redis | undefined;
  /** The per-user cap across processes (on the process' command connection); unused when off. */
  readonly slots: ConnectionSlots;
  readonly metrics: WebMetrics;
  readonly log: FastifyBaseLogger;
}

export interface WebSocketEndpoint {
  /** Undefined when ENABLE_WEBSOCKET=false. */
  readonly gateway: ProgressGateway | undefined;
  /** Closes every socket with `1001` and the subscriber connection (see {@link ProgressGateway.drain}). */
  drain(): Promise<void>;
}

export function attachWebSocketEndpoint(server: Server, options: WebSocketEndpointOptions): WebSocketEndpoint {
  const { config, metrics } = options;
  const gateway = config.enableWebsocket ? createGateway(options) : undefined;
  const count = (route: string, status: number): void =>
    metrics.httpRequests.inc({ route, method: 'GET', status: String(status) });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = readUpgradeTarget(request.url, request.headers);
    if (target === undefined) {
      count('unknown', 404);
      refuseUpgrade(
        socket,
        new AppError('NOT_FOUND', 'No WebSocket endpoint at this path. Connect to /ws/jobs/{job_id}.'),
      );
    } else if (gateway === undefined) {
      count(WS_ROUTE, 503);
      refuseUpgrade(
        socket,
        new AppError(
          'WEBSOCKET_DISABLED',
          'WebSocket is turned off on this server (ENABLE_WEBSOCKET=false). Poll GET /jobs/{id}/progress instead.',
        ),
      );
    } else {
      gateway.upgrade(request, socket, head, target);
    }
  });

  return { gateway, drain: async () => gateway?.drain() };
}

function createGateway(options: WebSocketEndpointOptions): ProgressGateway {
  const { subscriber, store, log } = options;
  if (subscriber === undefined) throw new Error('ENABLE_WEBSOCKET is on but no subscriber connection was given');
  let gateway: ProgressGateway | undefined;
  const relay = new ProgressRelay<ProgressSocket>({
    subscriber,
    readSnapshot: async (jobId) => (await store.read(jobId))?.progressText,
    deliver: (socket, frame) => gateway!.delivery.deliver(socket, frame),
    onFanOut: (frame, members) => {
      if (members > 0 && Number.isFinite(frame.atMs))
        gateway!.metrics.deliveryLatency.observe(Math.max(0, Date.now() - frame.atMs) / 1000);
    },
    log,
  });
  gateway = new ProgressGateway({ ...options, relay });
  return gateway;
}
