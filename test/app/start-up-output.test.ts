/**
 * Start-up prints nothing but the service's own log lines: no Node or library warning (deprecations
 * such as fastify's FSTDEP codes, experimental features) reaches an operator's logs from a web or
 * worker process that starts, serves and stops normally.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { startWebProcess, startWorkerProcess } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob } from '../support/api-answers.js';
import { tokenFor, waitForTerminal } from '../support/jobs-client.js';

const secret = 'start-up-output-test-secret-of-32-bytes-or-more';
const warning = /DeprecationWarning|ExperimentalWarning|Warning:|FSTDEP|FSTWRN|\(node:\d+\)/;

/** Lines that are not one of the service's JSON log lines (pino: an object with level, time and msg). */
function foreignLines(proc: NodeProcess): string[] {
  return proc.lines.filter((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return !(typeof entry.level === 'number' && typeof entry.time === 'number' && typeof entry.msg === 'string');
    } catch {
      return true;
    }
  });
}

describe('start-up output of web and worker', () => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await redis.destroy();
  });

  it('is only the service log lines, from start through a job to SIGTERM', async () => {
    const env = { REDIS_URL: redis.url, JWT_SECRET: secret };
    const web = await startWebProcess(env);
    const worker = await startWorkerProcess(env);
    try {
      // A job through both processes, so lazily loaded code (multipart, the WebSocket plugin, the
      // queue's worker side) has run too.
      const token = await tokenFor(secret, 'start-up-user');
      const upload = createdJob(await uploadCsv(web.url, token, sampleCsv(3)));
      expect(await waitForTerminal(web.url, token, upload.id)).toMatchObject({ status: 'succeeded' });
    } finally {
      // Exited, so every line either process wrote has been read.
      expect(await web.stop()).toBe(0);
      expect(await worker.stop()).toBe(0);
    }
    for (const proc of [web, worker]) {
      expect(proc.lines.filter((line) => warning.test(line))).toEqual([]);
      expect(foreignLines(proc)).toEqual([]);
      expect(proc.lines.length).toBeGreaterThan(0);
    }
  });
});
