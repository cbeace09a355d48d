/**
 * The `floor` system: no server at all. One Redis connection subscribes to every job channel of
 * this process; each channel is one "client" with its own frame log. What it measures is the store's
 * Lua script plus the Redis PUBLISH hop, the least any relay can add to.
 */
import { Redis } from 'ioredis';
import { now } from '../clock.js';
import { progressChannel } from '../../app/domain/redis-keys.js';
import { seqOf } from '../../app/domain/progress-message.js';
import { BenchClient, isTerminalText, type ClientEvents } from './bench-client.js';

/** One job channel on the shared subscriber. */
export class ChannelClient extends BenchClient {
  constructor(
    events: ClientEvents,
    private readonly subscriber: FloorSubscriber,
    readonly channel: string,
  ) {
    super(events);
  }

  protected open(): void {
    this.requestTimes.push(now());
    this.subscriber.add(this);
  }

  /** Called by the subscriber once Redis confirmed the subscription. */
  subscribed(): void {
    this.markReady();
  }

  receive(text: string, at: number): void {
    this.record(seqOf(text), at);
    if (isTerminalText(text)) this.markDone();
  }

  fail(reason: string): void {
    this.markFailed(reason);
  }

  stop(): void {
    // The shared connection is closed by the subscriber.
  }
}

export class FloorSubscriber {
  private readonly redis: Redis;
  private readonly channels = new Map<string, ChannelClient>();

  constructor(redisUrl: string) {
    this.redis = new Redis(redisUrl, { connectionName: 'bench-floor-subscriber' });
    this.redis.on('error', () => undefined);
    this.redis.on('message', (channel: string, text: string) => {
      const at = now();
      this.channels.get(channel)?.receive(text, at);
    });
  }

  channelClient(events: ClientEvents, jobId: string): ChannelClient {
    return new ChannelClient(events, this, progressChannel(jobId));
  }

  add(client: ChannelClient): void {
    this.channels.set(client.channel, client);
    this.redis.subscribe(client.channel).then(
      () => client.subscribed(),
      (error: Error) => client.fail(`subscribe ${error.message}`),
    );
  }

  close(): void {
    this.redis.disconnect();
  }
}
