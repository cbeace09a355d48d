/**
 * The production edge in miniature: haproxy terminates TLS (a certificate openssl makes here) in front
 * of the real web server, worker and Redis, as Google's load balancer does in front of the pods; a
 * frontend on another origin (https://127.0.0.2:PORT) uploads with a Bearer token and watches over
 * wss:// in headless Chromium, with the product's client code. Then haproxy cuts idle tunnels after
 * 1 s (`timeout tunnel`), as the load balancer cuts WebSockets at its timeout: the page reconnects
 * within the client's backoff and shows every state the worker published — none is lost.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffCeiling } from '../../app/client/backoff.js';
import { progressChannel } from '../../app/domain/redis-keys.js';
import { parseProgressMessage, type ProgressMessage } from '../../app/domain/progress-message.js';
import type { WebProcess } from '../../kit/app-processes.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import {
  makeTestCertificate,
  startTlsProxy,
  tlsProxyMissing,
  type TestCertificate,
  type TlsProxy,
} from '../support/tls-proxy.js';
import { checkLines, runScript } from '../scripts/support/run-script.js';
import type { SocketRecord } from './fixtures/cross-origin-page/page.js';
import { browserMissing, launchBrowser, type TestBrowser } from './support/browser.js';
import { startFrontendOrigin, type FrontendOrigin } from './support/frontend-origin.js';
import { appliedUpdates } from './support/jobs-page.js';
import { startStack, type Stack } from './support/stack.js';

const missing = browserMissing() ?? tlsProxyMissing();
if (missing) process.stdout.write(`SKIP test/e2e/tls-edge.test.ts: ${missing}\n`);

/**
 * Each row takes 4 s. A cut socket is back within the first retry's ceiling (3 s) plus the TLS and
 * WebSocket handshakes, so at most one state can be published while the page is disconnected — and
 * the snapshot on reconnect carries it. A gap in what the page shows would be a lost state.
 */
const ROW_DELAY_MS = 4000;
/** Slack for timers and the event loop when comparing a reconnect delay with the backoff ceiling. */
const TIMER_SLACK_MS = 250;

describe.skipIf(missing !== undefined)('HTTPS and WSS through a TLS proxy, from a frontend on another origin', () => {
  let certificate: TestCertificate;
  let stack: Stack;
  let web: WebProcess;
  let proxy: TlsProxy;
  let frontend: FrontendOrigin;
  let browser: TestBrowser;

  beforeAll(async () => {
    certificate = makeTestCertificate();
    frontend = await startFrontendOrigin(certificate);
    stack = await startStack({ rowDelayMs: ROW_DELAY_MS });
    // The frontend's origin is the only one allowed; haproxy on loopback is the trusted TLS proxy.
    web = await stack.startWeb({ ALLOWED_ORIGINS: frontend.origin, TRUST_PROXY: '127.0.0.1' });
    proxy = await startTlsProxy({ backendPort: web.port, certificate });
    browser = await launchBrowser(['--ignore-certificate-errors']);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.stop();
    await frontend?.close();
    await stack?.stop();
    certificate?.remove();
  });

  /** Opens the frontend, uploads `rows` rows through its form, and answers the job id. */
  async function uploadFromFrontend(page: Awaited<ReturnType<TestBrowser['newPage']>>, rows: number): Promise<string> {
    const token = await stack.token('frida');
    await page.goto(
      `${frontend.origin}/?api=${encodeURIComponent(`${proxy.url}/`)}&token=${encodeURIComponent(token)}`,
    );
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${proxy.url}/jobs`);
    await page
      .locator('#file')
      .setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(sampleCsv(rows)) });
    await page.locator('#upload-button').click();
    const response = await created;
    expect(response.status()).toBe(201);
    expect(response.headers()['access-control-allow-origin']).toBe(frontend.origin);
    return ((await response.json()) as { id: string }).id;
  }

  const socketsOf = (page: Awaited<ReturnType<TestBrowser['newPage']>>): Promise<SocketRecord[]> =>
    page.evaluate(() => (window as unknown as { sockets: SocketRecord[] }).sockets);

  it('uploads with a Bearer token across origins and watches the job to 100 % over wss://', async () => {
    const page = await browser.newPage();
    const jobId = await uploadFromFrontend(page, 2);
    await page.locator(`[data-job-id="${jobId}"][data-status="succeeded"]`).waitFor({ timeout: 60_000 });
    expect(
      await page.locator(`[data-job-id="${jobId}"] progress`).evaluate((bar) => (bar as HTMLProgressElement).value),
    ).toBe(100);

    const sockets = await socketsOf(page);
    expect(sockets.map((s) => s.url)).toEqual([`wss://127.0.0.1:${proxy.port}/ws/jobs/${jobId}`]);
    expect(sockets[0]).toMatchObject({ code: 1000 });
    const updates = (await appliedUpdates(page)).filter((u) => u.jobId === jobId);
    expect(updates.at(-1)).toMatchObject({ status: 'succeeded', percent: 100 });
    expect(page.errors).toEqual([]);
    await page.close();
  }, 90_000);

  it("passes npm run verify over https:// and wss:// with the frontend's origin, and fails it for another origin", async () => {
    // verify trusts the test certificate the way Node does: NODE_EXTRA_CA_CERTS.
    const env = { PATH: '/usr/bin:/bin', JWT_SECRET: stack.env.JWT_SECRET!, NODE_EXTRA_CA_CERTS: certificate.certFile };
    const run = await runScript('verify.ts', ['--url', proxy.url, '--origin', frontend.origin, '--timeout', '60'], {
      env,
    });
    expect(checkLines(run.stdout), run.stdout + run.stderr).toEqual([
      ['PASS', 'health'],
      ['PASS', 'ready'],
      ['PASS', 'config'],
      ['PASS', 'hsts'],
      ['PASS', 'cors-preflight'],
      ['PASS', 'websocket-job'],
      ['PASS', 'job-result'],
    ]);
    expect(run.stdout).toMatch(/^PASS hsts +Strict-Transport-Security: max-age=31536000$/m);
    expect(run.stdout).toMatch(/^PASS websocket-job +job \S+ over wss:\/\/: .*closed 1000$/m);
    expect(run.code).toBe(0);

    const refused = await runScript(
      'verify.ts',
      ['--url', proxy.url, '--origin', 'https://evil.example', '--timeout', '60'],
      { env },
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^FAIL cors-preflight .*Access-Control-Allow-Origin \(none\).*ALLOWED_ORIGINS/m);
    expect(refused.stdout).toMatch(/^FAIL websocket-job .*4401.*https:\/\/evil\.example is not in ALLOWED_ORIGINS/m);
  }, 120_000);

  it('reconnects after every tunnel cut within the backoff, and shows every state the worker published', async () => {
    await proxy.stop();
    proxy = await startTlsProxy({ backendPort: web.port, certificate, port: proxy.port, tunnelTimeoutSeconds: 1 });
    // Every state the worker publishes, straight from Redis, to compare with what the page shows.
    const subscriber = new Redis(stack.redis.url);
    const published: ProgressMessage[] = [];
    await subscriber.psubscribe(progressChannel('*'));
    subscriber.on('pmessage', (_pattern, _channel, text: string) => {
      const message = parseProgressMessage(text);
      if (message) published.push(message);
    });
    try {
      const page = await browser.newPage();
      const jobId = await uploadFromFrontend(page, 4);
      await page.locator(`[data-job-id="${jobId}"][data-status="succeeded"]`).waitFor({ timeout: 90_000 });

      const sockets = await socketsOf(page);
      const cuts = sockets.filter((s) => s.code !== 1000);
      const shown = (await appliedUpdates(page)).filter((u) => u.jobId === jobId);
      const states = published.filter((m) => m.jobId === jobId);
      const delays = sockets.slice(1).map((s, i) => s.createdAt - sockets[i]!.closedAt!);
      process.stdout.write(
        `tunnel cuts: ${cuts.length} (codes ${cuts.map((s) => s.code).join(',')}); reconnect delays ms: ${delays.join(', ')}; ` +
          `states published ${states.map((m) => m.seq).join(',')}; shown ${shown.map((u) => u.seq).join(',')}\n`,
      );

      // The proxy did cut the sockets, more than once, and the page came back each time.
      expect(cuts.length).toBeGreaterThanOrEqual(2);
      expect(cuts.every((s) => s.code === 1006)).toBe(true);
      expect(sockets.at(-1)).toMatchObject({ code: 1000 });
      expect(sockets.every((s) => s.url === `wss://127.0.0.1:${proxy.port}/ws/jobs/${jobId}`)).toBe(true);
      // Each reconnect waited no longer than the backoff allows for its attempt: after a socket that
      // delivered a frame the count starts over (the first retry's ceiling, 3 s).
      let failures = 0;
      sockets.slice(1).forEach((socket, i) => {
        const previous = sockets[i]!;
        failures = previous.frames > 0 ? 1 : failures + 1;
        expect(delays[i], `reconnect ${i + 1}`).toBeGreaterThanOrEqual(0);
        expect(delays[i], `reconnect ${i + 1}`).toBeLessThanOrEqual(backoffCeiling(failures - 1) + TIMER_SLACK_MS);
        expect(socket.frames, `socket ${i + 2} got its snapshot`).toBeGreaterThan(0);
      });
      // Never so many failures in a row that the page fell back to polling.
      expect(await page.evaluate(() => (window as unknown as { phases: string[] }).phases)).not.toContain('fallback');

      // Zero lost states: from the first running state the page showed, it showed every state the
      // worker published after it, in order, each exactly as published; the terminal state last.
      expect(shown.at(-1)).toMatchObject({ status: 'succeeded', percent: 100 });
      const firstRunning = shown.findIndex((u) => u.status === 'running');
      expect(firstRunning).toBeGreaterThanOrEqual(0);
      const fromThere = states.filter((m) => m.seq >= shown[firstRunning]!.seq);
      expect(
        shown.slice(firstRunning).map((u) => ({ seq: u.seq, status: u.status, percent: u.percent, at: u.at })),
      ).toEqual(fromThere.map((m) => ({ seq: m.seq, status: m.status, percent: m.percent, at: m.at })));
      expect(fromThere.length).toBeGreaterThanOrEqual(5);
      expect(page.errors).toEqual([]);
      await page.close();
    } finally {
      subscriber.disconnect();
    }
  }, 150_000);
});
