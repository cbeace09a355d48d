import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob, jsonAs } from '../support/api-answers.js';
import type { Job } from '../../app/domain/job.js';
import { tokenFor, waitForTerminal } from '../support/jobs-client.js';
import { parseProgressMessage, type ProgressMessage } from '../../app/domain/progress-message.js';

const SECRET = 'worker-secret-at-least-32-bytes-long';
let redis: RedisServer;
let web: WebProcess;
let token: string;
const started: NodeProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  web = await startWebProcess({ REDIS_URL: redis.url, JWT_SECRET: SECRET, UPLOADS_PER_MINUTE: '1000' });
  token = await tokenFor(SECRET, 'worker-user');
});

afterAll(async () => {
  await Promise.all([web, ...started].map((p) => p?.stop('SIGKILL')));
  await redis?.destroy();
});

// Every worker of this file shares one short lock: BullMQ throttles stalled checks with a key that
// lives for the stalledInterval of whichever worker checked last.
async function worker(env: Record<string, string>): Promise<NodeProcess> {
  const proc = await startWorkerProcess({ REDIS_URL: redis.url, JWT_SECRET: SECRET, WORKER_LOCK_MS: '2000', ...env });
  started.push(proc);
  return proc;
}

/** Subscribes to a job's channel and keeps every parsed message. */
async function watch(jobId: string): Promise<{ messages: ProgressMessage[]; close: () => void }> {
  const subscriber = new Redis(redis.url);
  const messages: ProgressMessage[] = [];
  subscriber.on('message', (_channel: string, text: string) => messages.push(parseProgressMessage(text)!));
  await subscriber.subscribe(`job_progress:${jobId}`);
  return { messages, close: () => subscriber.disconnect() };
}

describe('worker', () => {
  it('fails a job that runs longer than JOB_TIMEOUT_MS, and nothing changes after that', async () => {
    const proc = await worker({ ROW_DELAY_MS: '100', JOB_TIMEOUT_MS: '500' });
    const upload = createdJob(await uploadCsv(web.url, token, sampleCsv(20)));
    const job = await waitForTerminal(web.url, token, upload.id);
    expect(job.status).toBe('failed');
    expect(job.error).toContain('timed out');
    expect(job.processed).toBeLessThan(20);
    await proc.waitForLine(new RegExp(`\\[Worker\\] Published failure status for job ${job.id}`));
    await proc.stop();
    const later = await jsonAs<Job>(
      await fetch(`${web.url}/jobs/${job.id}`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(later).toEqual(job);
  });

  it('publishes progress at most once per interval plus the final state, seq strictly increasing', async () => {
    const proc = await worker({ ROW_DELAY_MS: '0', PROGRESS_INTERVAL_MS: '100' });
    const upload = createdJob(await uploadCsv(web.url, token, sampleCsv(3000)));
    const watcher = await watch(upload.id);
    const job = await waitForTerminal(web.url, token, upload.id);
    watcher.close();
    expect(job.status).toBe('succeeded');
    const seqs = watcher.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    // 3,000 rows would be 3,000 messages unthrottled; a handful is what the interval allows.
    expect(job.seq).toBeLessThan(100);
    expect(watcher.messages.at(-1)).toMatchObject({ status: 'succeeded', processed: 3000, percent: 100 });
    await proc.waitForLine(new RegExp(`\\[Worker\\] Published success status for job ${job.id}`));
    await proc.stop();
  });

  it('resumes a job whose worker was killed with SIGKILL, never showing less progress than before', async () => {
    const first = await worker({ ROW_DELAY_MS: '50' });
    const upload = createdJob(await uploadCsv(web.url, token, sampleCsv(60)));
    const watcher = await watch(upload.id);
    await first.waitForLine(new RegExp(`\\[Worker\\] Published progress for job ${upload.id}`));
    await first.stop('SIGKILL');
    const second = await worker({ ROW_DELAY_MS: '5' });
    const job = await waitForTerminal(web.url, token, upload.id, 60_000);
    watcher.close();
    expect(job.status).toBe('succeeded');
    expect(job.processed).toBe(60);
    const processed = watcher.messages.map((m) => m.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    await second.waitForLine(/lost its worker; resuming it|Published success/);
    const result = await (
      await fetch(`${web.url}/jobs/${job.id}/result`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    expect(result.trim().split('\n')).toHaveLength(61);
    await second.stop();
  });

  it('on SIGTERM lets a job run for SHUTDOWN_TIMEOUT_MS, then hands it back and exits; the next worker resumes it', async () => {
    const first = await worker({ ROW_DELAY_MS: '100', SHUTDOWN_TIMEOUT_MS: '1000' });
    const upload = createdJob(await uploadCsv(web.url, token, sampleCsv(80)));
    await first.waitForLine(new RegExp(`\\[Worker\\] Published progress for job ${upload.id}`));
    const code = await first.stop('SIGTERM');
    expect(code).toBe(0);
    await first.waitForLine(new RegExp(`Job ${upload.id} handed back to the queue`));
    const midway = await jsonAs<Job>(
      await fetch(`${web.url}/jobs/${upload.id}`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(midway.status).toBe('running');
    expect(midway.processed).toBeLessThan(80);
    const second = await worker({ ROW_DELAY_MS: '1' });
    const job = await waitForTerminal(web.url, token, upload.id, 60_000);
    expect(job).toMatchObject({ status: 'succeeded', processed: 80 });
    await second.stop();
  });
});
