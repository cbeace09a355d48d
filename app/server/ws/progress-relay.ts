/**
 * The progress relay: one Redis subscriber connection for the whole web process. A channel
 * `job_progress:{id}` is subscribed when its first socket joins and unsubscribed when its last one
 * leaves (reference counting); each message is read once and fanned out in process, so 10,000
 * sockets mean one Redis connection and one parse per message.
 *
 * When the subscriber connection drops and comes back, ioredis resubscribes by itself; the relay
 * then confirms every channel with a SUBSCRIBE of its own (ordered after ioredis' on the same
 * connection), reads every job's current state and hands it to the sockets as a snapshot: whatever
 * was published during the gap is not lost, and the `seq` check drops what a socket already has.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { jobIdOfChannel, progressChannel } from '../../domain/redis-keys.js';
import { frameOf, type ProgressFrame } from './progress-frame.js';

export interface ProgressRelayOptions<M> {
  /** A connection of its own (`connectRedis(url, 'web-subscriber')`): it is in subscriber mode. */
  readonly subscriber: Redis;
  /** The job's current Progress message text (the store's), `undefined` when the job is gone. */
  readonly readSnapshot: (jobId: string) => Promise<string | undefined>;
  /** Hands one frame to one member (called in the fan-out loop). */
  readonly deliver: (member: M, frame: ProgressFrame) => void;
  /** Told after each fan-out, with how many members it reached (for the latency histogram). */
  readonly onFanOut?: (frame: ProgressFrame, members: number) => void;
  readonly log: Pick<Logger, 'info' | 'warn'>;
  /** Pause before a failed resubscribe is tried again. @default 500 */
  readonly retryMs?: number;
}

interface Channel<M> {
  readonly members: Set<M>;
  /** Resolves when Redis has confirmed the SUBSCRIBE. */
  subscribed: Promise<void>;
}

// Commands stay small when thousands of channels are resubscribed or re-read at once.
const SUBSCRIBE_CHUNK = 1_000;
const READ_CHUNK = 200;

export class ProgressRelay<M> {
  private readonly channels = new Map<string, Channel<M>>();
  private readonly subscriber: Redis;
  private up = false;
  private resyncing = false;
  private closed = false;
  /** Bumped on every drop and reconnect, so a resync of an earlier connection stops. */
  private generation = 0;

  constructor(private readonly options: ProgressRelayOptions<M>) {
    this.subscriber = options.subscriber;
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onMessage(channel, message));
    this.subscriber.on('ready', () => this.onReady());
    this.subscriber.on('close', () => this.onDrop());
    if (this.subscriber.status === 'ready') this.onReady();
  }

  /** False while the subscriber is disconnected or still catching up after a reconnect. */
  get ready(): boolean {
    return this.up && !this.resyncing && !this.closed && this.subscriber.status === 'ready';
  }

  /** Channels (jobs) currently subscribed. */
  get subscriptions(): number {
    return this.channels.size;
  }

  /**
   * Adds `member` to the job's channel at once (so it sees every message from now on) and resolves
   * when Redis has confirmed the subscription; rejects when it could not be made.
   */
  join(jobId: string, member: M): Promise<void> {
    const name = progressChannel(jobId);
    let channel = this.channels.get(name);
    if (channel === undefined) {
      channel = this.subscribe(name);
      this.channels.set(name, channel);
    }
    channel.members.add(member);
    return channel.subscribed;
  }

  /** Removes `member`; the last one out unsubscribes the channel. Safe to call more than once. */
  leave(jobId: string, member: M): void {
    const name = progressChannel(jobId);
    const channel = this.channels.get(name);
    if (channel === undefined || !channel.members.delete(member)) return;
    if (channel.members.size > 0) return;
    this.channels.delete(name);
    // Fails only while disconnected; ioredis then resubscribes it and the stray message that may
    // follow unsubscribes it again (see onMessage).
    this.subscriber.unsubscribe(name).catch(() => undefined);
  }

  /** Closes the subscriber connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private subscribe(name: string): Channel<M> {
    const channel: Channel<M> = { members: new Set(), subscribed: Promise.resolve() };
    channel.subscribed = this.subscriber.subscribe(name).then(
      () => undefined,
      (error: unknown) => {
        if (this.channels.get(name) === channel) this.channels.delete(name);
        throw error;
      },
    );
    // Its members handle the rejection; this keeps it from being unhandled when they all left.
    channel.subscribed.catch(() => undefined);
    return channel;
  }

  private onMessage(channelName: Buffer, message: Buffer): void {
    const name = channelName.toString();
    const channel = this.channels.get(name);
    if (channel === undefined) {
      // Subscribed without members: an unsubscribe that failed while Redis was away.
      this.subscriber.unsubscribe(name).catch(() => undefined);
      return;
    }
    const frame = frameOf(message);
    if (frame !== undefined) this.fanOut(channel, frame);
  }

  private fanOut(channel: Channel<M>, frame: ProgressFrame): void {
    const deliver = this.options.deliver;
    let reached = 0;
    // A terminal frame closes sockets, which leave the channel during this loop: a Set allows that.
    for (const member of channel.members) {
      deliver(member, frame);
      reached++;
    }
    this.options.onFanOut?.(frame, reached);
  }

  private onDrop(): void {
    if (!this.up) return;
    this.up = false;
    this.generation++;
    if (!this.closed)
      this.options.log.warn({ channels: this.channels.size }, 'progress relay lost its Redis subscriber connection');
  }

  private onReady(): void {
    if (this.closed || this.up) return;
    this.up = true;
    const generation = ++this.generation;
    this.resyncing = this.channels.size > 0;
    if (this.resyncing) void this.resync(generation);
  }

  /** Confirms every subscription, then sends every job's current state to its sockets. */
  private async resync(generation: number): Promise<void> {
    const stale = (): boolean => generation !== this.generation;
    try {
      const names = [...this.channels.keys()];
      for (let i = 0; i < names.length; i += SUBSCRIBE_CHUNK) {
        const chunk = names.slice(i, i + SUBSCRIBE_CHUNK).filter((name) => this.channels.has(name));
        if (chunk.length > 0) await this.subscriber.subscribe(...chunk);
        if (stale()) return;
      }
      for (let i = 0; i < names.length; i += READ_CHUNK) {
        const chunk = names.slice(i, i + READ_CHUNK);
        const texts = await Promise.all(chunk.map((name) => this.options.readSnapshot(jobIdOfChannel(name))));
        if (stale()) return;
        chunk.forEach((name, index) => {
          const channel = this.channels.get(name);
          const frame = texts[index] === undefined ? undefined : frameOf(texts[index]);
          if (channel !== undefined && frame !== undefined) this.fanOut(channel, frame);
        });
      }
      this.resyncing = false;
      this.options.log.info({ channels: names.length }, 'progress relay resubscribed and sent fresh snapshots');
    } catch (error) {
      if (stale()) return;
      this.options.log.warn({ err: (error as Error).message }, 'progress relay resync failed; retrying');
      setTimeout(() => {
        if (!stale()) void this.resync(generation);
      }, this.options.retryMs ?? 500).unref();
    }
  }
}
