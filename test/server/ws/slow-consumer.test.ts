import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { WebSocket } from 'ws';
import { progressChannel } from '../../../app/domain/redis-keys.js';
import { JobStore } from '../../../app/store/job-store.js';
import { connectRedis } from '../../../app/store/redis-connection.js';
import { startWebProcess, type WebProcess } from '../../../kit/app-processes.js';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';
import { tokenFor } from '../../support/jobs-client.js';
import { metricValue } from '../../../kit/scrape-metrics.js';
import { waitForRelay } from './support/test-stack.js';
import { isStrictlyIncreasing, seqOfFrame, statusOfFrame, until, watchJob, type Watched } from './support/ws-client.js';
import { createJobFromText } from '../../../kit/job-fixtures.js';

const SECRET = 'ws-secret-at-least-32-bytes-long-hs256';
const LIMIT = 16 * 1024;
const PADDING = 32 * 1024;
let redis: RedisServer;
let commands: Redis;
let store: JobStore;
let patient: WebProcess;
let strict: WebProcess;
let alice: string;

beforeAll(async () => {
  redis = await startRedisServer();
  const env = { REDIS_URL: redis.url, JWT_SECRET: SECRET, WS_BUFFER_LIMIT_BYTES: String(LIMIT) };
  [patient, strict] = await Promise.all([
    startWebProcess({ ...env, WS_SLOW_CONSUMER_TIMEOUT_MS: '600000' }),
    startWebProcess({ ...env, WS_SLOW_CONSUMER_TIMEOUT_MS: '500' }),
  ]);
  await Promise.all([waitForRelay(patient.url), waitForRelay(strict.url)]);
  commands = connectRedis(redis.url, 'cli', { failFast: false });
  store = new JobStore(commands);
  alice = await tokenFor(SECRET, 'alice');
});

afterAll(async () => {
  await Promise.all([patient?.stop('SIGKILL'), strict?.stop('SIGKILL')]);
  commands?.disconnect();
  await redis?.destroy();
});

/** A Progress message of `seq` padded to ~32 KiB, so a paused reader fills the network buffers quickly. */
function bigMessage(jobId: string, seq: number, status = 'running'): string {
  return JSON.stringify({
    type: 'progress',
    jobId,
    status,
    processed: seq,
    total: 100_000,
    percent: 0,
    seq,
    error: 'x'.repeat(PADDING),
    at: new Date().toISOString(),
  });
}

/** A client that stops reading from its TCP socket after the snapshot, like a frozen browser tab. */
async function pausedWatcher(web: WebProcess, jobId: string): Promise<Watched> {
  const watched = watchJob(web.url, jobId, { token: alice });
  await watched.firstFrame;
  (watched.socket as WebSocket & { _socket: { pause(): void } })._socket.pause();
  return watched;
}

/** Publishes padded states on the job's channel until the server reports coalescing; answers the next seq. */
async function publishUntilCoalescing(web: WebProcess, jobId: string, firstSeq: number): Promise<number> {
  let seq = firstSeq;
  const before = await metricValue(web.url, 'ws_frames_coalesced_total');
  // Bounded: the kernel's socket buffers take a few MiB before the server buffers anything.
  while (seq < firstSeq + 2_000) {
    for (let i = 0; i < 20; i++) await commands.publish(progressChannel(jobId), bigMessage(jobId, seq++));
    if ((await metricValue(web.url, 'ws_frames_coalesced_total')) > before) return seq;
  }
  throw new Error('the server never started coalescing');
}

const resume = (watched: Watched): void =>
  (watched.socket as WebSocket & { _socket: { resume(): void } })._socket.resume();

describe('a client that does not read', () => {
  it("keeps the server's buffer bounded by coalescing, and still gets the terminal state", async () => {
    const job = await createJobFromText(store, { userId: 'alice', filename: 'x.csv', inputCsv: 'a\n1\n', total: 1 });
    const watched = await pausedWatcher(patient, job.id);
    let seq = await publishUntilCoalescing(patient, job.id, 2);
    const coalesced = await metricValue(patient.url, 'ws_frames_coalesced_total');
    for (let i = 0; i < 100; i++) await commands.publish(progressChannel(job.id), bigMessage(job.id, seq++));
    await until(
      async () => (await metricValue(patient.url, 'ws_frames_coalesced_total')) >= coalesced + 100,
      'the server to take all 100 states',
    );
    // 100 more states (3 MiB) arrived; the server holds at most the limit plus one frame for this socket.
    expect(await metricValue(patient.url, 'ws_buffered_bytes')).toBeLessThanOrEqual(LIMIT + PADDING + 1024);
    const published = seq - 1;
    await commands.publish(progressChannel(job.id), bigMessage(job.id, seq, 'succeeded'));

    resume(watched);
    const { code, frames } = await watched.closed;
    expect(code).toBe(1000);
    const seqs = frames.map(seqOfFrame);
    expect(isStrictlyIncreasing(seqs)).toBe(true);
    expect(seqs.at(-1)).toBe(seq);
    expect(statusOfFrame(frames.at(-1)!)).toBe('succeeded');
    expect(frames.length).toBeLessThan(published);
    expect(await metricValue(patient.url, 'ws_frames_coalesced_total')).toBeGreaterThan(0);
  });

  it('is closed 1013 once it stays behind longer than WS_SLOW_CONSUMER_TIMEOUT_MS', async () => {
    const job = await createJobFromText(store, { userId: 'alice', filename: 'x.csv', inputCsv: 'a\n1\n', total: 1 });
    const watched = await pausedWatcher(strict, job.id);
    let seq = await publishUntilCoalescing(strict, job.id, 2);
    const stalled = strict.waitForLine(/WebSocket reads too slowly; closing 1013/);
    // States keep coming while it stays behind; the server gives up on it after the timeout.
    let given = false;
    void stalled.then(() => {
      given = true;
    });
    while (!given) {
      await commands.publish(progressChannel(job.id), bigMessage(job.id, seq++));
      await new Promise((r) => setImmediate(r));
    }
    expect(JSON.parse(await stalled)).toMatchObject({ jobId: job.id });

    resume(watched);
    const { code, frames } = await watched.closed;
    expect(code).toBe(1013);
    expect(isStrictlyIncreasing(frames.map(seqOfFrame))).toBe(true);
    // The server counts the close when its side of the socket closes, which may come just after the
    // client saw the close frame: wait for the figure rather than read it once.
    await expect.poll(() => metricValue(strict.url, 'ws_connections_closed_total', { code: '1013' })).toBe(1);
    await expect.poll(() => metricValue(strict.url, 'ws_buffered_bytes')).toBe(0);
  });
});
