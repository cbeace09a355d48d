import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { JobStore } from '../../../app/store/job-store.js';
import { connectRedis } from '../../../app/store/redis-connection.js';
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../../kit/app-processes.js';
import type { NodeProcess } from '../../../kit/node-process.js';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';
import { sampleCsv } from '../../../kit/sample-csv.js';
import { uploadCsv } from '../../../kit/csv-upload.js';
import { createdJob } from '../../support/api-answers.js';
import { tokenFor } from '../../support/jobs-client.js';
import { waitForRelay } from './support/test-stack.js';
import { isStrictlyIncreasing, seqOfFrame, statusOfFrame, watchJob, type Watched } from './support/ws-client.js';
import { createJobFromText } from '../../../kit/job-fixtures.js';

const SECRET = 'ws-secret-at-least-32-bytes-long-hs256';
let redis: RedisServer;
let commands: Redis;
let store: JobStore;
let webA: WebProcess;
let webB: WebProcess;
let worker: NodeProcess;
let alice: string;
const processes: NodeProcess[] = [];
/** Every token handed to a server in this file, good or bad: none may appear in any log line. */
const tokens: string[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const env = { REDIS_URL: redis.url, JWT_SECRET: SECRET, ROW_DELAY_MS: '20' };
  [webA, webB, worker] = await Promise.all([
    startWebProcess({ ...env, LOG_LEVEL: 'debug' }),
    startWebProcess(env),
    startWorkerProcess(env),
  ]);
  processes.push(webA, webB, worker);
  await Promise.all([waitForRelay(webA.url), waitForRelay(webB.url)]);
  commands = connectRedis(redis.url, 'cli', { failFast: false });
  store = new JobStore(commands);
  alice = await tokenFor(SECRET, 'alice');
  tokens.push(alice);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  commands?.disconnect();
  await redis?.destroy();
});

const jsonLines = (proc: NodeProcess): Array<Record<string, unknown>> =>
  proc.lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

describe('WebSocket across real processes', () => {
  it('delivers a job to watchers on two web processes sharing one Redis', async () => {
    const upload = createdJob(await uploadCsv(webA.url, alice, sampleCsv(30)));
    const jobId = upload.id;
    const onA = watchJob(webA.url, jobId, { token: alice });
    const onB = watchJob(webB.url, jobId, { protocols: ['bearer', alice] });
    const [a, b] = await Promise.all([onA.closed, onB.closed]);
    for (const { code, frames } of [a, b]) {
      expect(code).toBe(1000);
      expect(isStrictlyIncreasing(frames.map(seqOfFrame))).toBe(true);
      expect(statusOfFrame(frames.at(-1)!)).toBe('succeeded');
    }
    expect(a.frames.at(-1)).toBe(b.frames.at(-1));
    // One subscriber connection per web process, whatever the number of sockets.
    const clients = (await commands.client('LIST')) as string;
    expect(clients.split('\n').filter((l) => l.includes(' name=personalizedline-web-subscriber ')).length).toBe(2);

    for (const web of [webA, webB]) {
      const connected = await web.waitForLine(new RegExp(`WebSocket connected for job ${jobId}`));
      const disconnected = JSON.parse(await web.waitForLine(new RegExp(`WebSocket disconnected for job ${jobId}`))) as {
        code: number;
      };
      expect(JSON.parse(connected)).toMatchObject({ jobId });
      expect(disconnected).toMatchObject({ jobId, code: 1000 });
    }
  });

  it('closes every WebSocket with 1001 on SIGTERM and exits cleanly within SHUTDOWN_TIMEOUT_MS', async () => {
    const web = await startWebProcess({
      REDIS_URL: redis.url,
      JWT_SECRET: SECRET,
      SHUTDOWN_TIMEOUT_MS: '4000',
      WS_DRAIN_WINDOW_MS: '500',
      WS_MAX_CONNECTIONS_PER_USER: '100',
    });
    processes.push(web);
    await waitForRelay(web.url);
    // Jobs that never finish (no worker sees them), so only the shutdown ends these sockets.
    const jobs = await Promise.all(
      [1, 2, 3].map(() =>
        createJobFromText(store, { userId: 'alice', filename: 'x.csv', inputCsv: 'a\n1\n', total: 1 }),
      ),
    );
    const watchers: Watched[] = [];
    for (let i = 0; i < 30; i++)
      watchers.push(watchJob(web.url, jobs[i % 3]!.id, i % 2 ? { token: alice } : { protocols: ['bearer', alice] }));
    await Promise.all(watchers.map((w) => w.firstFrame));
    // And a peer that never reads, so it never answers the close handshake.
    const silent = await silentPeer(web.url, jobs[0]!.id, alice);

    const exitCode = await web.stop('SIGTERM');
    for (const watcher of watchers) expect((await watcher.closed).code).toBe(1001);
    expect(exitCode).toBe(0);
    expect(web.lines.some((l) => l.includes('web server stopped cleanly'))).toBe(true);
    expect(web.lines.some((l) => l.includes('shutdown did not finish'))).toBe(false);
    expect(
      web.lines.filter((l) =>
        /WebSocket disconnected for job .*"code":1001|"code":1001.*WebSocket disconnected/.test(l),
      ).length,
    ).toBeGreaterThanOrEqual(30);
    silent.destroy();
  });

  it('writes no token into any log line, from URLs, subprotocols or bad tokens', async () => {
    const forged = await tokenFor('not-the-secret', 'mallory');
    tokens.push(forged);
    const job = await createJobFromText(store, { userId: 'alice', filename: 'x.csv', inputCsv: 'a\n1\n', total: 1 });
    for (const token of [forged, 'garbage.token.value', alice]) {
      if (!tokens.includes(token)) tokens.push(token);
      await watchJob(webA.url, randomUUID(), { token }).closed;
      await watchJob(webA.url, 'not-a-job', { protocols: ['bearer', token] }).closed;
      await fetch(`${webA.url}/?token=${token}`);
      await fetch(`${webA.url}/jobs/${job.id}?token=${token}`);
      await fetch(`${webA.url}/ws/jobs/${job.id}?token=${token}`);
    }
    await webA.waitForLine(/WebSocket refused/);
    const everyLine = processes.flatMap((p) => p.lines);
    expect(everyLine.length).toBeGreaterThan(20);
    for (const token of tokens) {
      const signature = token.split('.').at(-1)!;
      expect(
        everyLine.filter((line) => line.includes(token) || (signature.length > 10 && line.includes(signature))),
      ).toEqual([]);
    }
    expect(
      jsonLines(webA).some(
        (l) =>
          typeof (l.req as { url?: string } | undefined)?.url === 'string' &&
          (l.req as { url: string }).url.includes('token=[REDACTED]'),
      ),
    ).toBe(true);
  });
});

/** Completes a WebSocket upgrade by hand, then never reads another byte. */
async function silentPeer(baseUrl: string, jobId: string, token: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  socket.write(
    [
      `GET /ws/jobs/${jobId}?token=${token} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${Buffer.from(randomUUID().slice(0, 16)).toString('base64')}`,
      '',
      '',
    ].join('\r\n'),
  );
  await new Promise<void>((resolve) =>
    socket.once('data', () => {
      socket.pause();
      resolve();
    }),
  );
  return socket;
}
