/**
 * The process kit the tests, chaos, bench and `npm start` share, with real processes: a Redis
 * restart keeps its data, a child that ignores SIGTERM is still stopped, and a process that dies
 * while awaited ends the wait at once with what it wrote instead of at the deadline.
 */
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../kit/free-port.js';
import { startNodeProcess } from '../../kit/node-process.js';
import {
  hasRedisServer,
  redisServerArgs,
  redisServerUrl,
  startRedisServer,
  type RedisServer,
} from '../../kit/redis-server.js';
import { stopChild } from '../../kit/stop-child.js';
import { waitForPort } from '../../kit/wait-for-port.js';

const hasRedis = hasRedisServer();
if (!hasRedis)
  console.warn("skipping the kit's Redis test: redis-server is not installed (apt-get install redis-server)");

describe.skipIf(!hasRedis)('kit/redis-server', () => {
  let redis: RedisServer | undefined;
  afterAll(async () => redis?.destroy());

  it('stops and starts again on the same port with the same data (append-only)', async () => {
    redis = await startRedisServer();
    const before = new Redis(redis.url);
    await before.set('kit:kept', 'yes');
    before.disconnect();
    await redis.stop();
    expect(redis.child).toBeUndefined();
    await redis.start();
    const after = new Redis(redis.url);
    expect(await after.get('kit:kept')).toBe('yes');
    after.disconnect();
  });

  it('listens on the TLS port only with TLS, and puts the password into the URL', () => {
    const tls = { certFile: 'c', keyFile: 'k', caFile: 'a' };
    expect(redisServerArgs(7000, '/d', { tls }).slice(0, 4)).toEqual(['--port', '0', '--tls-port', '7000']);
    expect(redisServerUrl(7000, { tls, password: 'p@ss' })).toBe('rediss://:p%40ss@127.0.0.1:7000');
  });
});

describe('kit processes', () => {
  it('answers distinct free ports', async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
  });

  it('kills a child that ignores SIGTERM once the grace period is over', async () => {
    const child = spawn(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);"],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise((resolve) => child.stdout.once('data', resolve));
    await stopChild(child, { graceMs: 200 });
    expect(child.signalCode).toBe('SIGKILL');
  });

  it('ends a wait for a port when the process exits first, not at the deadline', async () => {
    const [port] = await freePorts(1);
    const proc = startNodeProcess('kit/repo-root.ts');
    // A deadline beyond the test's own timeout: only the exit can end this wait in time.
    await expect(waitForPort(port!, { child: proc.child, name: 'nothing', timeoutMs: 600_000 })).rejects.toThrow(
      /the process exited \(0\) before nothing listened on port/,
    );
  });

  it('rejects a wait for a line that the process ends without writing', async () => {
    const proc = startNodeProcess('kit/repo-root.ts');
    await expect(proc.waitForLine(/ready/, 10_000)).rejects.toThrow(/exited \(0\) without a line matching \/ready\//);
    expect(await proc.exited).toBe(0);
  });
});
