/**
 * The benchmark's own redis-server (kit/redis-server.ts: a free loopback port, append-only as the
 * manifests run it) and the one control connection the coordinator uses for CLIENT LIST.
 */
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer, type RedisServerOptions } from '../../kit/redis-server.js';
import { parseClientList, type RedisClientEntry } from './redis-clients.js';

export class BenchRedis {
  private constructor(
    private readonly server: RedisServer,
    readonly control: Redis,
    readonly version: string,
  ) {}

  /** Starts a redis-server with `options` (the capacity run's `maxmemory`). */
  static async start(options: RedisServerOptions = {}): Promise<BenchRedis> {
    const server = await startRedisServer(options);
    const control = new Redis(server.url, { connectionName: 'bench-control' });
    control.on('error', () => undefined);
    const info = await control.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    return new BenchRedis(server, control, version);
  }

  get url(): string {
    return this.server.url;
  }

  async clientList(): Promise<RedisClientEntry[]> {
    return parseClientList((await this.control.client('LIST')) as string);
  }

  /** The configured `maxclients` (Redis' connection cap; the one-subscriber-per-socket design meets it). */
  async maxClients(): Promise<number> {
    const [, value] = (await this.control.config('GET', 'maxclients')) as [string, string];
    return Number(value);
  }

  async stop(): Promise<void> {
    this.control.disconnect();
    await this.server.destroy();
  }
}
