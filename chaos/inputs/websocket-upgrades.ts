/**
 * Upgrade requests: unknown paths answer HTTP `404` (no upgrade), any single segment under
 * `/ws/jobs/` is upgraded and closed `4404` before a frame, broken handshakes get a `4xx`, bad
 * tokens (query or subprotocol) close `4401` before a frame, ENABLE_WEBSOCKET=false answers `503
 * WEBSOCKET_DISABLED`, and slow-loris upgrades that never finish do not stop anyone else.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { rawUpgrade, closeWithin } from '../clients/raw-websocket.js';
import { pollJob } from '../clients/poll-watcher.js';
import { watchJob } from '../clients/ws-watcher.js';
import type { Profile } from '../profile.js';
import type { CaseRecorder } from '../report/class-result.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { forgeToken, TOKEN_DEFECTS } from './forged-tokens.js';
import { checkProperty } from './property.js';
import { CLOSE_NOT_FOUND, CLOSE_UNAUTHORIZED, POLL_INTERVAL_MS } from '../../app/domain/wire-contract.js';

const JOB_PATH = /^\/ws\/jobs\/[^/?#]+$/;

/** Upgrades `path`; answers the HTTP status, or the close code after a 101, or a failure text. */
async function upgradeOutcome(
  stack: ChaosStack,
  path: string,
  headers: Record<string, string | null>,
  method = 'GET',
): Promise<{ status: number; code?: number | 'ended' | 'open'; frames: number; body: string }> {
  const connection = await rawUpgrade(stack.url, path, { headers, method });
  try {
    if (connection.status !== 101) {
      await new Promise((r) => setTimeout(r, 20));
      return { status: connection.status, frames: 0, body: connection.body() };
    }
    const code = await closeWithin(connection, 5_000);
    return { status: 101, code, frames: connection.frames.filter((f) => f.opcode === 0x1).length, body: '' };
  } finally {
    connection.destroy();
  }
}

export async function checkUpgradePaths(
  stack: ChaosStack,
  recorder: CaseRecorder,
  profile: Profile,
  token: string,
): Promise<void> {
  const auth = { 'Sec-WebSocket-Protocol': `bearer, ${token}` };
  const paths = fc.oneof(
    fc.constantFrom(
      '/ws',
      '/ws/',
      '/ws/jobs',
      '/ws/jobs/',
      '/ws/jobs//',
      '/ws/jobs/a/b',
      '/WS/jobs/x',
      '/ws/jobs/x/',
      '/jobs',
      '/',
      '/health',
      '/ws/jobs/..',
      '/ws/jobs/../../health',
      '/ws/jobs/%2e%2e%2fhealth',
      '/ws/jobs/*',
      `/ws/jobs/${'x'.repeat(10_000)}`,
      '/ws/jobs/%00',
      '/ws/jobs/%zz',
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((s) => `/ws/jobs/${encodeURIComponent(s)}`),
    fc
      .array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).map(encodeURIComponent), {
        minLength: 1,
        maxLength: 4,
      })
      .map((parts) => `/${parts.join('/')}`),
  );
  await checkProperty(
    recorder,
    `upgrades: /ws/jobs/{x} closes ${CLOSE_NOT_FOUND} before a frame, other paths answer 404`,
    paths,
    async (path) => {
      const outcome = await upgradeOutcome(stack, path, auth);
      if (JOB_PATH.test(path)) {
        return outcome.status === 101 && outcome.code === CLOSE_NOT_FOUND && outcome.frames === 0
          ? undefined
          : `answered ${outcome.status}, close ${String(outcome.code)}, ${outcome.frames} frame(s)`;
      }
      if (outcome.status !== 404)
        return `answered ${outcome.status}${outcome.code ? ` then ${outcome.code}` : ''}, expected HTTP 404`;
      return /"code":"NOT_FOUND"/.test(outcome.body)
        ? undefined
        : `404 without the contract body: ${outcome.body.slice(0, 100)}`;
    },
    profile,
  );

  const job = `/ws/jobs/${randomUUID()}`;
  const broken: [string, Record<string, string | null>, string][] = [
    ['no Sec-WebSocket-Key', { ...auth, 'Sec-WebSocket-Key': null }, 'GET'],
    ['a malformed Sec-WebSocket-Key', { ...auth, 'Sec-WebSocket-Key': 'short' }, 'GET'],
    ['Sec-WebSocket-Version 99', { ...auth, 'Sec-WebSocket-Version': '99' }, 'GET'],
    ['Upgrade: h2c', { ...auth, Upgrade: 'h2c' }, 'GET'],
    ['a POST upgrade', auth, 'POST'],
  ];
  for (const [name, headers, method] of broken) {
    const outcome = await upgradeOutcome(stack, job, headers, method);
    recorder.check(
      `a handshake with ${name} answers 4xx`,
      outcome.status >= 400 && outcome.status < 500 ? undefined : `answered ${outcome.status}`,
    );
  }
}

export async function checkWebsocketTokens(
  stack: ChaosStack,
  recorder: CaseRecorder,
  profile: Profile,
  jobId: string,
  owner: string,
): Promise<void> {
  const path = `/ws/jobs/${jobId}`;
  await checkProperty(
    recorder,
    `forged tokens on the WebSocket close ${CLOSE_UNAUTHORIZED} before a frame`,
    fc.record({
      defect: fc.constantFrom(...TOKEN_DEFECTS.filter((d) => d !== 'whitespace-inside')),
      seed: fc.double({ min: 0, max: 1, noNaN: true }),
      via: fc.constantFrom('query', 'subprotocol'),
    }),
    async ({ defect, seed, via }) => {
      const token = await forgeToken(stack.secret, owner, defect, seed);
      stack.rememberSecret(token);
      const outcome =
        via === 'query'
          ? await upgradeOutcome(stack, `${path}?token=${encodeURIComponent(token)}`, {})
          : await upgradeOutcome(stack, path, { 'Sec-WebSocket-Protocol': `bearer, ${token}` });
      return outcome.status === 101 && outcome.code === CLOSE_UNAUTHORIZED && outcome.frames === 0
        ? undefined
        : `${defect} via ${via}: answered ${outcome.status}, close ${String(outcome.code)}, ${outcome.frames} frame(s)`;
    },
    profile,
  );

  await checkProperty(
    recorder,
    `random ?token= values close ${CLOSE_UNAUTHORIZED} before a frame`,
    fc.string({ unit: 'grapheme', maxLength: 300 }),
    async (value) => {
      const outcome = await upgradeOutcome(stack, `${path}?token=${encodeURIComponent(value)}`, {});
      return outcome.status === 101 && outcome.code === CLOSE_UNAUTHORIZED && outcome.frames === 0
        ? undefined
        : `answered ${outcome.status}, close ${String(outcome.code)}`;
    },
    profile,
  );

  const none = await upgradeOutcome(stack, path, {});
  recorder.check(
    `no token at all closes ${CLOSE_UNAUTHORIZED}`,
    none.status === 101 && none.code === CLOSE_UNAUTHORIZED
      ? undefined
      : `answered ${none.status}, close ${String(none.code)}`,
  );
  const huge = await upgradeOutcome(stack, path, {
    'Sec-WebSocket-Protocol': `bearer, ${'A'.repeat(64 * 1024)}`,
  }).catch((e: Error) => ({ status: 0, code: undefined, frames: 0, body: e.message }));
  recorder.check(
    'a 64 KiB subprotocol answers 431 (Node header limit)',
    huge.status === 431 ? undefined : `answered ${huge.status} ${String(huge.code)}`,
  );
}

/** Opens `count` upgrades that send their headers one byte at a time and never finish. */
function slowLoris(stack: ChaosStack, path: string, count: number): { sockets: Socket[]; stop: () => number } {
  const url = new URL(stack.url);
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.on('error', () => undefined);
    socket.on('connect', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Slow: `,
      ),
    );
    sockets.push(socket);
  }
  const drip = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write('a');
  }, 500);
  return {
    sockets,
    stop: () => {
      clearInterval(drip);
      const closedByServer = sockets.filter((s) => s.destroyed || s.readableEnded).length;
      for (const s of sockets) s.destroy();
      return closedByServer;
    },
  };
}

export async function checkSlowLoris(stack: ChaosStack, recorder: CaseRecorder, count: number): Promise<void> {
  const token = await stack.token('slow-loris-bystander');
  const attack = slowLoris(stack, `/ws/jobs/${randomUUID()}`, count);
  try {
    await new Promise((r) => setTimeout(r, 1_500));
    for (let i = 0; i < 3; i++) {
      const upload = await uploadCsv(stack.url, token, sampleCsv(5));
      const watched = await watchJob({
        urls: () => [stack.url],
        token,
        jobId: upload.body.id,
        deadline: Date.now() + 60_000,
      });
      recorder.check(
        `a bystander's job ${i + 1} is watched to its end during ${count} slow-loris upgrades`,
        watched.terminalStatus === 'succeeded'
          ? undefined
          : `saw ${watched.terminalStatus ?? 'no terminal state'} ${watched.violations.join('; ')}`,
      );
    }
  } finally {
    recorder.note(
      `slow-loris: ${attack.stop()} of ${count} half-sent upgrades were closed by the server while they dripped`,
    );
  }
}

export async function checkWebsocketDisabled(stack: ChaosStack, recorder: CaseRecorder): Promise<void> {
  const web = await stack.startWeb({ ENABLE_WEBSOCKET: 'false' });
  const token = await stack.token('polling-only');
  const config = (await (await fetch(`${web.url}/config`)).json()) as {
    enableWebsocket: boolean;
    pollIntervalMs: number;
  };
  recorder.check(
    'with ENABLE_WEBSOCKET=false /config says so',
    config.enableWebsocket === false && config.pollIntervalMs === POLL_INTERVAL_MS ? undefined : JSON.stringify(config),
  );
  const upload = await uploadCsv(web.url, token, sampleCsv(5));
  const connection = await rawUpgrade(web.url, `/ws/jobs/${upload.body.id}`, {
    headers: { 'Sec-WebSocket-Protocol': `bearer, ${token}` },
  });
  await new Promise((r) => setTimeout(r, 50));
  const body = connection.body();
  connection.destroy();
  recorder.check(
    'with ENABLE_WEBSOCKET=false an upgrade answers 503 WEBSOCKET_DISABLED',
    connection.status === 503 && /"code":"WEBSOCKET_DISABLED"/.test(body)
      ? undefined
      : `answered ${connection.status}: ${body.slice(0, 120)}`,
  );
  const polled = await pollJob({ urls: () => [web.url], token, jobId: upload.body.id, deadline: Date.now() + 60_000 });
  recorder.check(
    'with ENABLE_WEBSOCKET=false a polling client sees the job end',
    polled.terminalStatus === 'succeeded' ? undefined : `saw ${polled.terminalStatus ?? 'nothing'}`,
  );
  await stack.kill(web, 'SIGTERM');
}
