/** The local stack's own redis-server: a free loopback port, data under `.data/redis`, AOF on. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { LOCAL_DATA_DIR } from './local-secret.js';

export const REDIS_MISSING_HELP = [
  'npm start needs redis-server, which is not installed.',
  'Install it with:  sudo apt-get install -y redis-server   (Debian/Ubuntu)',
  '             or:  brew install redis                     (macOS)',
  'or point the stack at a running Redis:  REDIS_URL=redis://host:6379 npm start',
].join('\n');

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface LocalRedis {
  readonly url: string;
  readonly child: ChildProcess;
}

export async function startLocalRedis(): Promise<LocalRedis> {
  const dir = join(LOCAL_DATA_DIR, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freeLoopbackPort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--save', '', '--loglevel', 'warning', '--logfile', join(dir, 'redis.log')],
    { stdio: 'ignore' });
  await waitForPort(port, child);
  return { url: `redis://127.0.0.1:${port}`, child };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on port ${port} within 10 s`);
}
