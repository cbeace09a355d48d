/**
 * Scale-out with real parts: three web processes and two workers on one Redis, behind Debian's
 * haproxy as kube-proxy or the load balancer is in front of the pods: one frontend `roundrobin`, one
 * `balance source` (ClientIP affinity; its clients come from 50 loopback addresses). Servers are
 * named on six ports, and a `/ready` health check takes stopped ones out and started ones in, as
 * endpoints follow readiness.
 *
 * 3,000 page clients (the page's own watcher: backoff, polling fallback) watch 300 jobs, 20 sockets
 * per user — exactly the per-user cap. While the jobs run, a rollout replaces each web process in
 * turn (a replacement starts and is ready, then the old one gets SIGTERM), and then one replacement
 * is SIGKILLed and restarted. Then: every job ended, every client saw its terminal state, every
 * client that lost its socket was back within the page's backoff, and no user ever held more than
 * the cap across the three processes. SCALE_OUT_CLIENTS=N runs it with N clients (a multiple of 20).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openFileLimits } from '../../kit/file-limit.js';
import { freePorts } from '../../kit/free-port.js';
import { missingTools, startHaproxy, type Haproxy } from '../../kit/haproxy.js';
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob } from '../support/api-answers.js';
import { tokenFor } from '../support/jobs-client.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { maxSocketsPerUser, reconnectGaps, type WebLog } from './support/scale-audit.js';
import { WatchFleet } from './support/watch-fleet.js';
import type { FleetClient } from './support/watch-fleet-protocol.js';

const CLIENTS = Number(process.env.SCALE_OUT_CLIENTS ?? 3000);
const CLIENTS_PER_JOB = 10;
const JOBS = CLIENTS / CLIENTS_PER_JOB;
/** WS_MAX_CONNECTIONS_PER_USER's default: each user owns two jobs, so their 20 sockets fill it. */
const CAP = 20;
const SLOT_LEASE_MS = 6_000;
const ROWS = 20;
/** Jobs two workers run at once (each worker's default concurrency is 8). */
const JOBS_AT_ONCE = 16;
/**
 * The jobs keep running for about this long, so the rollout (~20 s) and the kill happen while states
 * are being published, whatever SCALE_OUT_CLIENTS is.
 */
const RUN_MS = 50_000;
const ROW_DELAY_MS = Math.round(RUN_MS / (Math.ceil(JOBS / JOBS_AT_ONCE) * ROWS));
/** Beyond the backoff, what one attempt may take: the handshakes through the proxy and the admission. */
const ATTEMPT_ALLOWANCE_MS = 2_000;
const SOURCE_ADDRESSES = 50;
const SERVER_HEADER = 'X-Backend-Server';

const missing = missingTools(['haproxy', 'redis-server']);
if (missing) process.stdout.write(`SKIP test/e2e/scale-out.test.ts: ${missing}\n`);

describe.skipIf(missing !== undefined)(`${CLIENTS} clients, three web processes and two workers behind haproxy`, () => {
  const secret = randomBytes(24).toString('hex');
  let redis: RedisServer;
  let admin: Redis;
  let proxy: Haproxy;
  /** Ports the proxy knows: three for the first web processes, three for their replacements. */
  let webPorts: number[];
  let roundRobinUrl: string;
  let sourceUrl: string;
  /** Every web process ever started, with when it was killed (if it was). */
  const webs: { proc: WebProcess; killedAt?: number }[] = [];
  const workers: NodeProcess[] = [];
  let env: Record<string, string>;

  const startWeb = async (port: number): Promise<WebProcess> => {
    const proc = await startWebProcess({ ...env, PORT: String(port) }, { raiseFileLimit: true });
    webs.push({ proc });
    return proc;
  };
  /** The proxy checks every second and needs one success to take a server in, two failures to take it out. */
  const proxyNotices = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2_500));

  beforeAll(async () => {
    // Each client socket takes a descriptor in the client process and two in haproxy.
    const { hard } = openFileLimits();
    const needed = 2 * CLIENTS + 2_000;
    if (hard < needed) {
      throw new Error(
        `The hard open-file limit is ${hard}; this test needs ${needed} (haproxy holds two per client). Raise it (ulimit -Hn, or LimitNOFILE for a service) or run with SCALE_OUT_CLIENTS=${Math.floor((hard - 2_000) / 2 / 20) * 20}.`,
      );
    }
    redis = await startRedisServer();
    admin = new Redis(redis.url);
    const ports = await freePorts(8);
    webPorts = ports.slice(0, 6);
    const [rrPort, sourcePort] = ports.slice(6) as [number, number];
    roundRobinUrl = `http://127.0.0.1:${rrPort}`;
    sourceUrl = `http://127.0.0.1:${sourcePort}`;
    env = {
      REDIS_URL: redis.url,
      JWT_SECRET: secret,
      ROW_DELAY_MS: String(ROW_DELAY_MS),
      WS_MAX_CONNECTIONS_PER_USER: String(CAP),
      WS_SLOT_LEASE_MS: String(SLOT_LEASE_MS),
      LOG_LEVEL: 'info',
    };
    await Promise.all(webPorts.slice(0, 3).map(startWeb));
    proxy = await startHaproxy({
      frontends: [
        { name: 'rr', port: rrPort, backend: 'rr' },
        { name: 'source', port: sourcePort, backend: 'source' },
      ],
      backends: [
        { name: 'rr', balance: 'roundrobin', ports: webPorts, healthPath: '/ready', serverHeader: SERVER_HEADER },
        { name: 'source', balance: 'source', ports: webPorts, healthPath: '/ready', serverHeader: SERVER_HEADER },
      ],
      maxConnections: 2 * CLIENTS + 500,
    });
    await proxyNotices();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...workers, ...webs.map((w) => w.proc)].map((p) => p.stop('SIGKILL')));
    await proxy?.stop();
    admin?.disconnect();
    await redis?.destroy();
  });

  it('holds the per-user WebSocket cap across the three processes', async () => {
    const token = await tokenFor(secret, 'capper');
    const job = createdJob(await uploadCsv(roundRobinUrl, token, sampleCsv(1))).id;
    const open = (): { socket: WebSocket; outcome: Promise<{ admitted: boolean; code?: number; server?: string }> } => {
      const socket = new WebSocket(`${roundRobinUrl.replace('http', 'ws')}/ws/jobs/${job}`, ['bearer', token]);
      let server: string | undefined;
      socket.on('upgrade', (response) => {
        server = String(response.headers[SERVER_HEADER.toLowerCase()]);
      });
      socket.on('error', () => undefined);
      const outcome = new Promise<{ admitted: boolean; code?: number; server?: string }>((resolve) => {
        socket.once('message', () => resolve({ admitted: true, server }));
        socket.once('close', (code) => resolve({ admitted: false, code }));
      });
      return { socket, outcome };
    };
    const first = Array.from({ length: CAP + 5 }, open);
    const outcomes = await Promise.all(first.map((a) => a.outcome));
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(CAP);
    expect(outcomes.filter((o) => !o.admitted).map((o) => o.code)).toEqual([4429, 4429, 4429, 4429, 4429]);
    // The admitted sockets are spread over all three processes: the cap is one cap, not three.
    expect(new Set(outcomes.filter((o) => o.admitted).map((o) => o.server)).size).toBe(3);

    const admitted = first.filter((_, i) => outcomes[i]!.admitted);
    await Promise.all(
      admitted.slice(0, 3).map(
        (a) =>
          new Promise((resolve) => {
            a.socket.once('close', resolve);
            a.socket.close(1000);
          }),
      ),
    );
    const again = await Promise.all(
      Array.from({ length: 4 }, open).map((a) => a.outcome.then((o) => ({ ...o, socket: a.socket }))),
    );
    expect(again.filter((o) => o.admitted)).toHaveLength(3);
    for (const a of [...first.map((f) => f.socket), ...again.map((o) => o.socket)]) a.terminate();
  });

  it(`runs ${JOBS} jobs for ${CLIENTS} clients through a rolling restart and a SIGKILL, losing nothing`, async () => {
    const ownerOf = new Map<string, string>();
    const clients: FleetClient[] = [];
    const users = Array.from({ length: JOBS / 2 }, (_, i) => `user-${String(i).padStart(4, '0')}`);
    const tokens = new Map(await Promise.all(users.map(async (u) => [u, await tokenFor(secret, u)] as const)));
    for (let start = 0; start < JOBS; start += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, JOBS - start) }, async (_, k) => {
          const user = users[Math.floor((start + k) / 2)]!;
          const upload = createdJob(await uploadCsv(roundRobinUrl, tokens.get(user)!, sampleCsv(ROWS)));
          return { id: upload.id, user };
        }),
      );
      for (const { id, user } of batch) ownerOf.set(id, user);
    }
    for (const [jobId, user] of ownerOf) {
      for (let k = 0; k < CLIENTS_PER_JOB; k++) {
        const index = clients.length;
        const viaSource = k >= CLIENTS_PER_JOB / 2;
        clients.push({
          index,
          jobId,
          token: tokens.get(user)!,
          httpBase: viaSource ? sourceUrl : roundRobinUrl,
          ...(viaSource ? { localAddress: `127.0.0.${10 + (index % SOURCE_ADDRESSES)}` } : {}),
        });
      }
    }

    const fleet = WatchFleet.start(clients);
    try {
      const allLive = await fleet.waitUntil((s) => s.live === CLIENTS, 180_000);
      expect(allLive, `only ${fleet.status.live} of ${CLIENTS} clients got their first frame`).toBe(true);
      // The jobs start only now, so every client watches its job from the first running state on.
      workers.push(...(await Promise.all([0, 1].map(() => startWorkerProcess(env, { raiseFileLimit: true })))));

      const stopped: { code: number | null; ms: number }[] = [];
      for (let i = 0; i < 3; i++) {
        await startWeb(webPorts[3 + i]!);
        await proxyNotices();
        const sentAt = Date.now();
        stopped.push({ code: await webs[i]!.proc.stop('SIGTERM'), ms: Date.now() - sentAt });
      }
      const victim = webs[3]!;
      const slotsId = (
        JSON.parse(await victim.proc.waitForLine(/WebSocket slots leased/)) as { slotsProcessId: string }
      ).slotsProcessId;
      await victim.proc.stop('SIGKILL');
      victim.killedAt = Date.now();
      await startWeb(webPorts[0]!);

      const allSettled = await fleet.waitUntil((s) => s.settled === CLIENTS, 240_000);
      const outcomes = await fleet.outcomes();
      expect(
        allSettled,
        `${CLIENTS - outcomes.filter((o) => o.phase === 'finished').length} clients never finished`,
      ).toBe(true);

      // A rollout's SIGTERM: every web process drained and exited 0 within the contract's 15 s.
      for (const { code, ms } of stopped)
        expect({ code, within15s: ms <= 15_000 }).toEqual({ code: 0, within15s: true });

      // Zero lost terminal states: every job ended, and every client saw exactly that end.
      const finals = new Map<string, { status: string; seq: number }>();
      for (const jobId of ownerOf.keys()) {
        const record = await admin.hgetall(`pl:job:${jobId}`);
        finals.set(jobId, { status: record.status!, seq: Number(record.seq) });
      }
      expect([...finals.values()].filter((f) => f.status !== 'succeeded')).toEqual([]);
      const wrong = outcomes.filter((o) => {
        const final = finals.get(clients[o.index]!.jobId)!;
        return o.phase !== 'finished' || o.terminal?.status !== final.status || o.terminal.seq !== final.seq;
      });
      expect(wrong.map((o) => ({ index: o.index, phase: o.phase, terminal: o.terminal }))).toEqual([]);
      // On one connection, every frame after the first is newer than the one before.
      expect(outcomes.flatMap((o) => o.frames.filter((f) => f.afterSeq >= 0 && f.seq <= f.afterSeq))).toEqual([]);

      // Every client that lost its socket was back within the page's backoff for the attempts it made.
      const gaps = outcomes.flatMap(reconnectGaps);
      const late = gaps.filter(
        (g) => g.backAt === undefined || g.backAt - g.closedAt > g.backoffMs + (g.attempts + 1) * ATTEMPT_ALLOWANCE_MS,
      );
      expect(late.slice(0, 5)).toEqual([]);

      // The cap held across the processes the whole time, also while reconnects crowded in.
      const logs: WebLog[] = webs.map((w) => ({
        lines: w.proc.lines,
        ...(w.killedAt === undefined ? {} : { killedAt: w.killedAt }),
      }));
      const most = maxSocketsPerUser(logs, ownerOf);
      expect(most.size).toBe(users.length);
      expect(Math.max(...most.values())).toBe(CAP);

      // Affinity through `balance source`: one address, one process, until that process went away.
      const firstServerOf = new Map<string, Set<string>>();
      for (const o of outcomes) {
        const address = clients[o.index]!.localAddress;
        const server = o.connections[0]?.server;
        if (address === undefined || server === undefined) continue;
        firstServerOf.set(address, (firstServerOf.get(address) ?? new Set()).add(server));
      }
      const split = [...firstServerOf]
        .filter(([, servers]) => servers.size > 1)
        .map(([address, servers]) => `${address}: ${[...servers].join(',')}`);
      expect(split, `the proxy's server changes:\n${stateChanges(proxy.output).join('\n')}`).toEqual([]);

      // The killed process' slots stopped counting one lease after its death, and its keys are gone.
      const lapsed = victim.killedAt + SLOT_LEASE_MS + 500 - Date.now();
      if (lapsed > 0) await new Promise((resolve) => setTimeout(resolve, lapsed));
      expect(await admin.zscore('pl:ws:leases', slotsId)).toBeNull();
      expect(await admin.exists(`pl:ws:slots:${slotsId}`)).toBe(0);

      report(outcomes, gaps, stopped, proxy.output);
    } finally {
      await fleet.stop();
    }
  }, 600_000);
});

/** One summary line for the log of the run. */
function report(
  outcomes: Awaited<ReturnType<WatchFleet['outcomes']>>,
  gaps: ReturnType<typeof reconnectGaps>,
  stopped: { ms: number }[],
  proxyOutput: readonly string[],
): void {
  const away = gaps.map((g) => (g.backAt ?? Number.NaN) - g.closedAt).sort((a, b) => a - b);
  const pick = (q: number): number => away[Math.min(away.length - 1, Math.floor(q * away.length))] ?? 0;
  const codes = new Map<number, number>();
  for (const o of outcomes)
    for (const c of o.connections) if (c.code !== undefined) codes.set(c.code, (codes.get(c.code) ?? 0) + 1);
  const polled = outcomes.filter((o) => o.polls.length > 0).length;
  process.stdout.write(
    `scale-out: ${outcomes.length} clients, ${outcomes.reduce((n, o) => n + o.connections.length, 0)} connections ` +
      `(close codes ${[...codes].map(([c, n]) => `${c}×${n}`).join(' ')}), ${gaps.length} reconnects: back after p50 ${pick(0.5)} ms, ` +
      `p99 ${pick(0.99)} ms, max ${pick(1)} ms; ${Math.max(...gaps.map((g) => g.attempts), 0)} attempts at most; ${polled} clients polled ` +
      `in between; SIGTERM exits after ${stopped.map((s) => s.ms).join(', ')} ms\n`,
  );
  const changes = stateChanges(proxyOutput);
  process.stdout.write(`scale-out: the proxy saw ${changes.length} server state changes:\n  ${changes.join('\n  ')}\n`);
}

/** haproxy's own lines about a server going up or down, shortened. */
function stateChanges(proxyOutput: readonly string[]): string[] {
  return proxyOutput
    .join('')
    .split('\n')
    .filter((line) => / is (UP|DOWN)\b/.test(line))
    .map((l) => l.replace(/^.*?(Server )/, '$1').slice(0, 120));
}
