/**
 * The per-user WebSocket cap (`WS_MAX_CONNECTIONS_PER_USER`, `4429`) across every web process: each
 * socket takes a slot in Redis in one atomic script that counts the user's sockets in all live
 * processes (limit-scripts.ts), on the process' ordinary command connection (no connection per
 * socket). A lease renewed every third of `WS_SLOT_LEASE_MS` keeps this process' slots counted; when
 * the process dies without closing its sockets, they stop counting one lease later.
 *
 * The process also keeps its own count ({@link UserConnectionLimit}): it refuses without a round trip
 * when this process alone is at the cap, and it is the truth Redis is repaired from. Every renewal
 * compares the sum Redis holds for this process with its own count, and rewrites Redis when they
 * differ (Redis restarted empty, or an outage lost a reply), but only while no slot command is in
 * flight, so the comparison is exact.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from '../../domain/redis-keys.js';
import { ACQUIRE_SLOT, DROP_SLOTS, RELEASE_SLOT, RENEW_SLOTS, REWRITE_SLOTS } from '../../store/limit-scripts.js';
import { UserConnectionLimit } from './connection-limits.js';

export interface ConnectionSlotsOptions {
  readonly keys: RedisKeys;
  /** Sockets one user may hold in all processes together (WS_MAX_CONNECTIONS_PER_USER). */
  readonly max: number;
  /** WS_SLOT_LEASE_MS. */
  readonly leaseMs: number;
  readonly log: Pick<Logger, 'info' | 'debug'>;
  /** This process' name in Redis. @default a random UUID */
  readonly processId?: string;
}

export class ConnectionSlots {
  readonly processId: string;
  private readonly local: UserConnectionLimit;
  private readonly ownKey: string;
  /** Slot commands sent and not yet answered. */
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: ConnectionSlotsOptions,
  ) {
    this.processId = options.processId ?? randomUUID();
    this.local = new UserConnectionLimit(options.max);
    this.ownKey = options.keys.wsSlots(this.processId);
  }

  get max(): number {
    return this.local.max;
  }

  /** Starts renewing the lease (and registers the process at once). */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.options.leaseMs / 3))).unref();
    this.options.log.info(
      { slotsProcessId: this.processId, leaseMs: this.options.leaseMs },
      'WebSocket slots leased in Redis',
    );
    void this.renew();
  }

  /**
   * Takes a slot for `userId`: true when the user holds fewer than `max` sockets in all processes.
   * Rejects when Redis cannot be asked (the caller answers `1013`).
   */
  async tryAcquire(userId: string): Promise<boolean> {
    if (!this.local.tryAcquire(userId)) return false;
    const { keys, leaseMs, max } = this.options;
    this.inFlight++;
    try {
      const taken = await this.redis.eval(
        ACQUIRE_SLOT,
        2,
        keys.wsLeases,
        this.ownKey,
        leaseMs,
        this.processId,
        keys.wsSlotsPrefix,
        userId,
        max,
      );
      if (taken !== 1) this.local.release(userId);
      return taken === 1;
    } catch (error) {
      this.local.release(userId);
      throw error;
    } finally {
      this.inFlight--;
    }
  }

  /** Gives a slot back. Never throws: a release Redis did not get is repaired by the next renewal. */
  release(userId: string): void {
    this.local.release(userId);
    this.inFlight++;
    this.redis.eval(RELEASE_SLOT, 1, this.ownKey, userId).then(
      () => {
        this.inFlight--;
      },
      (error: unknown) => {
        this.inFlight--;
        this.options.log.debug(
          { err: (error as Error).message },
          'WebSocket slot release not stored; the next renewal repairs it',
        );
      },
    );
  }

  /** Stops renewing and removes this process' slots and lease (a clean shutdown, after the drain). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const { keys } = this.options;
    await this.redis.eval(DROP_SLOTS, 2, keys.wsLeases, this.ownKey, this.processId).catch(() => undefined);
  }

  /** One renewal: the lease, then the comparison (and a rewrite when Redis disagrees). */
  async renew(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    const { keys, leaseMs } = this.options;
    try {
      const settled = this.inFlight === 0;
      const expected = this.local.total;
      const stored = Number(await this.redis.eval(RENEW_SLOTS, 2, keys.wsLeases, this.ownKey, leaseMs, this.processId));
      if (!settled || stored === expected || this.inFlight !== 0) return;
      const pairs = [...this.local.entries()].flatMap(([user, count]) => [user, count]);
      await this.redis.eval(REWRITE_SLOTS, 2, keys.wsLeases, this.ownKey, leaseMs, this.processId, ...pairs);
      this.options.log.info(
        { held: expected, stored },
        "WebSocket slots rewritten in Redis from this process' own count",
      );
    } catch (error) {
      // Redis is down: the connection's own error log says so; the next renewal tries again.
      this.options.log.debug({ err: (error as Error).message }, 'WebSocket slot lease not renewed');
    } finally {
      this.renewing = false;
    }
  }
}
