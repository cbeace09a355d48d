/**
 * A process of page clients: thousands of job watchers, each the page's own `JobWatcher` (the same
 * state machine, backoff and polling fallback the browser runs) on `ws` sockets and `fetch` instead
 * of the browser's. It records every connection attempt, every first frame and every poll, so the
 * test can judge how fast each client came back after a server went away. Started by
 * watch-fleet.ts with its open-file limit raised and an IPC channel.
 */
import { WebSocket } from 'ws';
import { JobWatcher, type SocketLike, type WatchPlatform } from '../../../app/client/job-watcher.js';
import { parseProgressMessage } from '../../../app/domain/progress-message.js';
import type { PollAnswer } from '../../../app/client/watch-machine.js';
import {
  SERVER_HEADER,
  type ClientOutcome,
  type FleetClient,
  type FleetCommand,
  type FleetReport,
} from './watch-fleet-protocol.js';

const send = (report: FleetReport): void => {
  process.send?.(report);
};

/** One watcher and what it saw. */
class Watched {
  readonly outcome: ClientOutcome;
  private readonly watcher: JobWatcher;

  constructor(
    private readonly spec: FleetClient,
    private readonly onSettled: () => void,
  ) {
    this.outcome = {
      index: spec.index,
      connections: [],
      polls: [],
      applied: [],
      frames: [],
      terminal: undefined,
      phase: 'idle',
    };
    this.watcher = new JobWatcher({
      jobId: spec.jobId,
      lastSeq: 0,
      platform: this.platform(),
      onApply: (message) => {
        this.outcome.applied.push(message.seq);
        if (message.status === 'succeeded' || message.status === 'failed')
          this.outcome.terminal = { status: message.status, seq: message.seq, at: Date.now() };
      },
      onPhase: (phase) => {
        this.outcome.phase = phase.kind;
        if (phase.kind === 'finished' || phase.kind === 'refused') this.onSettled();
      },
    });
  }

  start(): void {
    this.watcher.start('websocket');
  }

  stop(): void {
    this.watcher.stop();
  }

  private platform(): WatchPlatform {
    const { spec } = this;
    return {
      pollIntervalMs: 2000,
      openSocket: (jobId) => this.openSocket(jobId),
      fetchProgress: async (jobId): Promise<PollAnswer> => {
        const at = Date.now();
        let answer: PollAnswer = { kind: 'error' };
        try {
          const response = await fetch(`${spec.httpBase}/jobs/${jobId}/progress`, {
            headers: { authorization: `Bearer ${spec.token}` },
          });
          const text = await response.text();
          const message = response.ok ? parseProgressMessage(text) : undefined;
          if (response.status === 401) answer = { kind: 'refused', reason: 'unauthorized' };
          else if (response.status === 404) answer = { kind: 'refused', reason: 'not-found' };
          else if (message) answer = { kind: 'message', message };
        } catch {
          // a network error is an `error` answer: poll again later
        }
        this.outcome.polls.push({ at, answeredAt: Date.now(), ok: answer.kind === 'message' });
        return answer;
      },
    };
  }

  /** The browser's WebSocket, as `ws`, recording the attempt. */
  private openSocket(jobId: string): SocketLike {
    const { spec } = this;
    const record: ClientOutcome['connections'][number] = {
      startedAt: Date.now(),
      upAt: undefined,
      closedAt: undefined,
      code: undefined,
      server: undefined,
    };
    this.outcome.connections.push(record);
    const ws = new WebSocket(`${spec.httpBase.replace(/^http/, 'ws')}/ws/jobs/${jobId}`, ['bearer', spec.token], {
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
      ...(spec.localAddress === undefined ? {} : { localAddress: spec.localAddress }),
    });
    const socket: SocketLike = { onmessage: null, onclose: null, close: (code) => ws.close(code) };
    let lastSeq = -1;
    ws.on('upgrade', (response) => {
      const server = response.headers[SERVER_HEADER];
      record.server = Array.isArray(server) ? server[0] : server;
    });
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      record.upAt ??= Date.now();
      const seq = parseProgressMessage(text)?.seq ?? -1;
      // The contract's order rule on one connection: every frame after the first is newer.
      this.outcome.frames.push({ connection: this.outcome.connections.length - 1, seq, afterSeq: lastSeq });
      lastSeq = seq;
      socket.onmessage?.({ data: text });
    });
    ws.on('error', () => undefined);
    ws.on('close', (code: number) => {
      record.closedAt = Date.now();
      record.code = code;
      socket.onclose?.({ code });
    });
    return socket;
  }
}

let clients: Watched[] = [];
let settled = 0;
let connected = 0;

function status(): FleetReport {
  const live = clients.filter(
    (c) => c.outcome.connections.at(-1)?.upAt !== undefined && c.outcome.connections.at(-1)?.closedAt === undefined,
  ).length;
  return { type: 'status', total: clients.length, connected, live, settled };
}

process.on('message', (command: FleetCommand) => {
  if (command.type === 'start') {
    clients = command.clients.map(
      (spec) =>
        new Watched(spec, () => {
          settled++;
        }),
    );
    // Open in waves, as real users arrive, so the proxy's accept queue is not the thing under test.
    let next = 0;
    const pump = (): void => {
      const wave = clients.slice(next, next + command.connectPerTick);
      next += wave.length;
      for (const client of wave) client.start();
      connected = next;
      if (next < clients.length) setTimeout(pump, command.tickMs);
    };
    pump();
    setInterval(() => send(status()), 250).unref();
  } else if (command.type === 'report') {
    for (const client of clients) client.stop();
    send({ type: 'outcomes', outcomes: clients.map((c) => c.outcome) });
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'status', total: 0, connected: 0, live: 0, settled: 0 });
