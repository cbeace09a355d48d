/** The local stack's own redis-server (kit/redis-server.ts): a free loopback port, data under `.data/redis`, AOF on. */
import { join } from 'node:path';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { LOCAL_DATA_DIR } from './local-secret.js';

export const REDIS_MISSING_HELP = [
  'npm start needs redis-server, which is not installed.',
  'Install it with:  sudo apt-get install -y redis-server   (Debian/Ubuntu)',
  '             or:  brew install redis                     (macOS)',
  'or point the stack at a running Redis:  REDIS_URL=redis://host:6379 npm start',
].join('\n');

/** Starts it with the data of earlier runs; `stopGraceMs` bounds its stop like the other children's. */
export function startLocalRedis(stopGraceMs: number): Promise<RedisServer> {
  const dir = join(LOCAL_DATA_DIR, 'redis');
  return startRedisServer({ dir, logFile: join(dir, 'redis.log'), stopGraceMs });
}
