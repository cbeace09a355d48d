/**
 * Redis over TLS, for real: Debian's redis-server with only a TLS port (`--port 0 --tls-port …`), AUTH
 * on, and a server certificate made here by openssl and signed by a CA of the test's own, naming the
 * server's address only in its CN, as Memorystore's does. The web and worker processes get
 * `rediss://` and REDIS_TLS_CA_FILE, as the pods get them from the Secret, and carry a job end to end:
 * upload, queue, worker, pub/sub to a WebSocket, result. A process given another CA is refused with a
 * sentence that names REDIS_TLS_CA_FILE, and stays up, not ready.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  issueServerCertificate,
  makeCertificateAuthority,
  type TestCertificateAuthority,
} from '../../kit/certificates.js';
import { missingTools } from '../../kit/haproxy.js';
import { startNodeProcess, type NodeProcess } from '../../kit/node-process.js';
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../kit/app-processes.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { answerError, createdJob } from '../support/api-answers.js';
import { tokenFor, waitForTerminal } from '../support/jobs-client.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { watchJob } from '../server/ws/support/ws-client.js';

const missing = missingTools(['openssl', 'redis-server']);
if (missing) process.stdout.write(`SKIP test/e2e/redis-tls.test.ts: ${missing}\n`);

const SECRET = 'redis-tls-secret-at-least-32-bytes-long';
const PASSWORD = 'tls-auth-string';

describe.skipIf(missing !== undefined)('a job over TLS Redis (rediss:// with REDIS_TLS_CA_FILE)', () => {
  let ca: TestCertificateAuthority;
  let otherCa: TestCertificateAuthority;
  let redis: RedisServer;
  const processes: NodeProcess[] = [];

  beforeAll(async () => {
    ca = makeCertificateAuthority('memorystore-like CA');
    otherCa = makeCertificateAuthority('some other CA');
    const server = issueServerCertificate(ca, 'redis-server', { commonName: '127.0.0.1', altNames: [] });
    redis = await startRedisServer({
      tls: { certFile: server.certFile, keyFile: server.keyFile, caFile: ca.certFile },
      password: PASSWORD,
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await redis?.destroy();
    ca?.remove();
    otherCa?.remove();
  });

  it('uploads, runs and watches a job with web and worker on rediss:// only', async () => {
    const env = { REDIS_URL: redis.url, REDIS_TLS_CA_FILE: ca.certFile, JWT_SECRET: SECRET, ROW_DELAY_MS: '20' };
    const web: WebProcess = await startWebProcess(env);
    processes.push(web, await startWorkerProcess(env));
    await expect.poll(async () => (await fetch(`${web.url}/ready`)).status, { timeout: 15_000 }).toBe(200);

    const token = await tokenFor(SECRET, 'tess');
    const upload = createdJob(await uploadCsv(web.url, token, sampleCsv(30)));
    const watched = watchJob(web.url, upload.id, { token });
    const job = await waitForTerminal(web.url, token, upload.id);
    expect(job).toMatchObject({ status: 'succeeded', processed: 30, total: 30 });
    const { code, frames } = await watched.closed;
    expect(code).toBe(1000);
    expect(JSON.parse(frames.at(-1)!)).toMatchObject({ status: 'succeeded', seq: job.seq });
    const result = await fetch(`${web.url}/jobs/${upload.id}/result`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await result.text()).split('\n')[0]).toContain('personalized_line');

    // The server has no plain port: every role's connection is a TLS one, with the CA above.
    const admin = new Redis(redis.url, { tls: { ca: ca.cert, checkServerIdentity: () => undefined } });
    const names = String(await admin.client('LIST')).match(/name=personalizedline-[\w-]+/g) ?? [];
    admin.disconnect();
    for (const role of ['web', 'web-queue', 'web-subscriber', 'worker', 'worker-queue'])
      expect(names).toContain(`name=personalizedline-${role}`);
  });

  it('refuses a server certificate the CA file does not vouch for, with a clear error, and stays up not ready', async () => {
    const env = { REDIS_URL: redis.url, REDIS_TLS_CA_FILE: otherCa.certFile, JWT_SECRET: SECRET };
    const web = await startWebProcess(env);
    const worker = await startWorkerProcess(env);
    processes.push(web, worker);
    for (const proc of [web, worker]) {
      const line = await proc.waitForLine(/redis connection error/, 15_000);
      expect(line).toMatch(/Redis TLS handshake refused: the server's certificate is not trusted/);
      expect(line).toMatch(/REDIS_TLS_CA_FILE must hold the CA that signed it/);
    }
    expect((await fetch(`${web.url}/health`)).status).toBe(200);
    expect((await fetch(`${web.url}/ready`)).status).toBe(503);
    const upload = await uploadCsv(web.url, await tokenFor(SECRET, 'tess'), sampleCsv(1));
    expect(upload.status).toBe(503);
    expect(answerError(upload).code).toBe('DEPENDENCY_DOWN');
  });

  it('stops at start with one message when the CA file cannot be read', async () => {
    const web = startWebProcessUnchecked({
      REDIS_URL: redis.url,
      REDIS_TLS_CA_FILE: `${ca.dir}/missing.pem`,
      JWT_SECRET: SECRET,
    });
    expect(await web.exited).toBe(1);
    expect(web.lines.join('\n')).toMatch(/REDIS_TLS_CA_FILE .*missing\.pem cannot be read \(ENOENT\)/);
  });
});

/** The web entry without waiting for health: for a process that must refuse to start. */
function startWebProcessUnchecked(env: Record<string, string>): NodeProcess {
  return startNodeProcess('app/server/main.ts', { env: { PORT: '0', HOST: '127.0.0.1', ...env } });
}
