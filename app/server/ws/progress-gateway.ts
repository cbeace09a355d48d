/**
 * The WebSocket gateway of `/ws/jobs/{job_id}`: one connection's life from the upgrade to the close.
 *
 * Admission, in this order and before any frame: token (`4401`), job id shape and per-user cap
 * (`4404`, `4429`), relay up (`1013`), then subscribe *first*, read the job *second* (`4404` when it is
 * unknown or another user's), send that record as the first frame. Everything published after the
 * subscription is confirmed reaches the socket, and the `seq` check drops what the snapshot already
 * contains, so no state falls between the snapshot and the live stream.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type Server as WsServer, type ServerOptions } from 'ws';
import type { Config } from '../../config.js';
import { verifyToken } from '../../auth/tokens.js';
import { isJobId } from '../../domain/job.js';
import { AppError } from '../../errors.js';
import type { JobStore } from '../../store/job-store.js';
import type { WebMetrics } from '../metrics.js';
import {
  CLOSE_ABNORMAL,
  CLOSE_GOING_AWAY,
  CLOSE_TRY_AGAIN_LATER,
  JOB_NOT_FOUND_MESSAGE,
} from '../../domain/wire-contract.js';
import { closeCodeLabel, closeReason } from './close-codes.js';
import type { ConnectionSlots } from './connection-slots.js';
import { FrameDelivery } from './frame-delivery.js';
import { Heartbeat } from './heartbeat.js';
import { frameOf } from './progress-frame.js';
import type { ProgressRelay } from './progress-relay.js';
import { markAlive, ProgressSocket } from './progress-socket.js';
import { DRAIN_TICK_MS, drainBatches, drainTimings } from './shutdown-schedule.js';
import { isOriginAllowed, selectProtocol, type UpgradeTarget } from './upgrade-request.js';
import { WsMetrics } from './ws-metrics.js';

/** The route label of upgrades in `http_requests_total`. */
export const WS_ROUTE = '/ws/jobs/:id';
/** Clients send nothing; anything bigger than this is a misbehaving peer (`ws` closes it with 1009). */
export const MAX_CLIENT_PAYLOAD = 4 * 1024;
// A peer that does not answer a close frame within this is cut off (ws' default is 30 s).
const CLOSE_HANDSHAKE_TIMEOUT_MS = 5_000;

export type GatewayConfig = Pick<
  Config,
  | 'jwtSecret'
  | 'wsPingIntervalMs'
  | 'allowedOrigins'
  | 'wsBufferLimitBytes'
  | 'wsSlowConsumerTimeoutMs'
  | 'wsDrainWindowMs'
  | 'shutdownTimeoutMs'
>;

export interface ProgressGatewayOptions {
  readonly config: GatewayConfig;
  readonly store: Pick<JobStore, 'read'>;
  readonly relay: ProgressRelay<ProgressSocket>;
  /** The per-user cap, shared with the other web processes through Redis. */
  readonly slots: ConnectionSlots;
  readonly metrics: WebMetrics;
  readonly log: FastifyBaseLogger;
}

const notFound = (): AppError => new AppError('NOT_FOUND', JOB_NOT_FOUND_MESSAGE);
const redisDown = (): AppError =>
  new AppError('DEPENDENCY_DOWN', 'The progress feed (Redis) is unreachable. Reconnect in a few seconds.');

export class ProgressGateway {
  readonly metrics: WsMetrics;
  readonly delivery: FrameDelivery;
  private readonly sockets = new Set<ProgressSocket>();
  private readonly wss: WsServer<typeof ProgressSocket>;
  private readonly slots: ConnectionSlots;
  private readonly heartbeat: Heartbeat;
  private readonly config: GatewayConfig;
  private readonly relay: ProgressRelay<ProgressSocket>;
  private readonly log: FastifyBaseLogger;
  // Typed on `WebSocket` as ws' listener types want; the sockets are always ProgressSockets.
  private readonly onSocketClose: (this: WebSocket, code: number) => void;
  private readonly onSocketError: (this: WebSocket, error: Error) => void;
  private drained: Promise<void> | undefined;
  private whenEmpty: (() => void) | undefined;

  constructor(private readonly options: ProgressGatewayOptions) {
    const { config, relay, log } = options;
    this.config = config;
    this.relay = relay;
    this.log = log;
    this.slots = options.slots;
    this.slots.start();
    this.metrics = new WsMetrics(options.metrics.registry, {
      openSockets: () => this.sockets.size,
      bufferedBytes: () => {
        let sum = 0;
        for (const s of this.sockets) sum += s.bufferedAmount;
        return sum;
      },
      subscriptions: () => relay.subscriptions,
    });
    this.delivery = new FrameDelivery({
      limitBytes: config.wsBufferLimitBytes,
      slowConsumerTimeoutMs: config.wsSlowConsumerTimeoutMs,
      counts: this.metrics.counts,
      close: (socket, code, reason) => {
        if (code === CLOSE_TRY_AGAIN_LATER) {
          log.warn(
            { jobId: socket.jobId, bufferedBytes: socket.bufferedAmount },
            `WebSocket reads too slowly; closing ${CLOSE_TRY_AGAIN_LATER}`,
          );
        }
        this.closeWith(socket, code, reason);
      },
    });
    this.heartbeat = new Heartbeat(this.sockets, config.wsPingIntervalMs, (socket) => {
      socket.closeCode = CLOSE_ABNORMAL;
    });
    this.heartbeat.start();
    // `clientTracking: false`: the gateway's own set is the only registry of sockets.
    const wsOptions: ServerOptions<typeof ProgressSocket> & { closeTimeout: number } = {
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: MAX_CLIENT_PAYLOAD,
      handleProtocols: selectProtocol,
      WebSocket: ProgressSocket,
      closeTimeout: CLOSE_HANDSHAKE_TIMEOUT_MS,
    };
    this.wss = new WebSocketServer<typeof ProgressSocket>(wsOptions);
    // Listeners shared by every socket (`this` is the socket): no closure per connection.
    const onClosed = this.onClosed.bind(this);
    this.onSocketClose = function onSocketClose(code) {
      onClosed(this as ProgressSocket, code);
    };
    this.onSocketError = function onSocketError(error) {
      const { jobId } = this as ProgressSocket;
      log.debug({ jobId: isJobId(jobId) ? jobId : undefined, err: error.message }, 'WebSocket protocol error');
    };
  }

  /** Open sockets (any phase). */
  get connections(): number {
    return this.sockets.size;
  }

  /** Completes the upgrade of a request already matched to `/ws/jobs/{id}` and admits the socket. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, target: UpgradeTarget): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.open(ws, target));
  }

  /**
   * SIGTERM: closes every socket with `1001`, spread over WS_DRAIN_WINDOW_MS, waits for the close
   * handshakes (cut short within SHUTDOWN_TIMEOUT_MS), then closes the relay. Upgrades arriving
   * meanwhile are closed `1001` at once.
   */
  drain(): Promise<void> {
    this.drained ??= this.runDrain();
    return this.drained;
  }

  private open(socket: ProgressSocket, target: UpgradeTarget): void {
    this.sockets.add(socket);
    this.metrics.opened.inc();
    this.options.metrics.httpRequests.inc({ route: WS_ROUTE, method: 'GET', status: '101' });
    socket.jobId = target.jobId;
    socket.on('close', this.onSocketClose);
    socket.on('error', this.onSocketError);
    socket.on('pong', markAlive);
    if (this.drained !== undefined) {
      this.closeWith(socket, CLOSE_GOING_AWAY, 'server shutting down; reconnect');
      return;
    }
    void this.admit(socket, target);
  }

  private async admit(socket: ProgressSocket, target: UpgradeTarget): Promise<void> {
    const { jobId } = target;
    try {
      if (!isOriginAllowed(target.origin, this.config.allowedOrigins, target.host)) {
        throw new AppError('UNAUTHORIZED', "This page's origin may not open WebSockets here (ALLOWED_ORIGINS).");
      }
      const userId = await verifyToken(this.config.jwtSecret, target.token);
      if (!this.isOpen(socket)) return;
      if (!isJobId(jobId)) throw notFound();
      if (!this.relay.ready) throw redisDown();
      const admitted = await this.slots.tryAcquire(userId).catch(() => {
        throw redisDown();
      });
      if (!admitted) {
        throw new AppError(
          'TOO_MANY_CONNECTIONS',
          `At most ${this.slots.max} WebSockets per user. Close some tabs or retry later.`,
        );
      }
      // Closed while Redis answered: onClosed has run without a slot to give back, so give it here.
      if (socket.readyState === WebSocket.CLOSED) {
        this.slots.release(userId);
        return;
      }
      socket.userId = userId;
      if (!this.isOpen(socket)) return;
      socket.phase = 'joining';
      await this.relay.join(jobId, socket).catch(() => {
        throw redisDown();
      });
      if (!this.isOpen(socket)) return;
      const record = await this.options.store.read(jobId).catch(() => {
        throw redisDown();
      });
      if (!this.isOpen(socket)) return;
      if (record === undefined || record.userId !== userId) throw notFound();
      const snapshot = frameOf(record.progressText);
      if (snapshot === undefined) throw new AppError('INTERNAL', 'The job record has no progress message.');
      socket.announced = true;
      this.log.info({ jobId, userId }, `WebSocket connected for job ${jobId}`);
      this.delivery.start(socket, snapshot);
    } catch (error) {
      const refusal =
        error instanceof AppError ? error : new AppError('INTERNAL', 'Unexpected server error. Reconnect.');
      if (refusal.code === 'INTERNAL')
        this.log.error({ jobId: isJobId(jobId) ? jobId : undefined, err: error }, 'WebSocket admission failed');
      this.refuse(socket, refusal, jobId);
    }
  }

  private isOpen(socket: ProgressSocket): boolean {
    return socket.readyState === WebSocket.OPEN && socket.phase !== 'closing';
  }

  private refuse(socket: ProgressSocket, error: AppError, jobId: string): void {
    if (socket.phase === 'closing') return;
    // The raw id is client text: log it only when it is a well-formed job id.
    this.log.info(
      { jobId: isJobId(jobId) ? jobId : undefined, code: error.wsCloseCode, reason: error.code },
      'WebSocket refused',
    );
    this.closeWith(socket, error.wsCloseCode, error.message);
  }

  /** Ends a connection from the server side: nothing more is delivered, the relay forgets it. */
  private closeWith(socket: ProgressSocket, code: number, reason: string): void {
    if (socket.phase === 'closing') return;
    socket.phase = 'closing';
    socket.closeCode = code;
    this.delivery.release(socket);
    this.relay.leave(socket.jobId, socket);
    if (socket.readyState === WebSocket.OPEN) socket.close(code, closeReason(reason));
  }

  private onClosed(socket: ProgressSocket, code: number): void {
    socket.phase = 'closing';
    this.sockets.delete(socket);
    this.delivery.release(socket);
    this.relay.leave(socket.jobId, socket);
    if (socket.userId !== undefined) this.slots.release(socket.userId);
    socket.userId = undefined;
    const finalCode = socket.closeCode || code;
    this.metrics.closed.inc({ code: closeCodeLabel(finalCode) });
    if (socket.announced) {
      this.log.info({ jobId: socket.jobId, code: finalCode }, `WebSocket disconnected for job ${socket.jobId}`);
    }
    if (this.sockets.size === 0) this.whenEmpty?.();
  }

  private async runDrain(): Promise<void> {
    this.heartbeat.stop();
    this.delivery.watch.stop();
    const { windowMs, graceMs } = drainTimings(this.config.wsDrainWindowMs, this.config.shutdownTimeoutMs);
    const sockets = [...this.sockets];
    this.log.info({ sockets: sockets.length, windowMs }, `closing WebSockets with ${CLOSE_GOING_AWAY} for shutdown`);
    let next = 0;
    for (const [index, size] of drainBatches(sockets.length, windowMs).entries()) {
      if (index > 0) await delay(DRAIN_TICK_MS);
      for (const socket of sockets.slice(next, next + size))
        this.closeWith(socket, CLOSE_GOING_AWAY, 'server shutting down; reconnect');
      next += size;
    }
    if (this.sockets.size > 0) {
      const empty = new Promise<void>((resolve) => {
        this.whenEmpty = resolve;
      });
      await Promise.race([empty, delay(graceMs)]);
    }
    // Peers that never answered the close frame: cut them off so the process can exit in time.
    for (const socket of this.sockets) socket.terminate();
    await Promise.all([this.relay.close(), this.slots.close()]);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
