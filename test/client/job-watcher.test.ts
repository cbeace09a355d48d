import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../../app/client/backoff.js';
import { JobWatcher, type SocketLike, type WatchPlatform } from '../../app/client/job-watcher.js';
import type { PollAnswer, WatchMode, WatchPhase } from '../../app/client/watch-machine.js';
import type { ProgressMessage } from '../../app/domain/progress-message.js';
import { JOB_ID, progress } from './progress-fixtures.js';
import { seededRandom } from './seeded-random.js';

/** A socket the test plays the server for. */
class FakeSocket implements SocketLike {
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  closedByClient: number | undefined;
  send(message: ProgressMessage | string): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  serverClose(code: number): void {
    this.onclose?.({ code });
  }
  close(code?: number): void {
    this.closedByClient = code;
  }
}

interface Harness {
  readonly watcher: JobWatcher;
  readonly sockets: FakeSocket[];
  readonly polls: Array<(answer: PollAnswer) => void>;
  readonly applied: number[];
  readonly phases: WatchPhase[];
}

const SEED = 2024;
const POLL_MS = 2000;

function harness(mode: WatchMode, lastSeq = 2): Harness {
  const sockets: FakeSocket[] = [];
  const polls: Array<(answer: PollAnswer) => void> = [];
  const applied: number[] = [];
  const phases: WatchPhase[] = [];
  const platform: WatchPlatform = {
    pollIntervalMs: POLL_MS,
    random: seededRandom(SEED),
    openSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    fetchProgress: () => new Promise<PollAnswer>((resolve) => polls.push(resolve)),
  };
  const watcher = new JobWatcher({
    jobId: JOB_ID,
    lastSeq,
    platform,
    onApply: (message) => applied.push(message.seq),
    onPhase: (phase) => phases.push(phase),
  });
  watcher.start(mode);
  return { watcher, sockets, polls, applied, phases };
}

/** The reconnect delays the watcher will draw, in order. */
const expectedDelays = (count: number): number[] => {
  const random = seededRandom(SEED);
  return Array.from({ length: count }, (_, attempt) => backoffDelay(attempt, random));
};

describe('job watcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows newer frames, skips stale and malformed ones, and ends at the terminal state', () => {
    const h = harness('websocket');
    expect(h.sockets).toHaveLength(1);
    const socket = h.sockets[0]!;
    socket.send(progress(2));
    socket.send(progress(3));
    socket.send('not json');
    socket.send(progress(3));
    socket.send(progress(1));
    socket.send(progress(9));
    socket.send(progress(10, 'succeeded'));
    expect(h.applied).toEqual([3, 9, 10]);
    expect(h.watcher.phase).toEqual({ kind: 'finished', status: 'succeeded' });
    expect(socket.closedByClient).toBe(1000);
    socket.serverClose(1000);
    expect(vi.getTimerCount()).toBe(0);
    expect(h.sockets).toHaveLength(1);
  });

  it('reconnects after the seeded backoff delays, not before', () => {
    const h = harness('websocket');
    const [first, second] = expectedDelays(2);
    h.sockets[0]!.serverClose(1006);
    vi.advanceTimersByTime(first! - 1);
    expect(h.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(h.sockets).toHaveLength(2);
    h.sockets[1]!.serverClose(1013);
    vi.advanceTimersByTime(second! - 1);
    expect(h.sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(h.sockets).toHaveLength(3);
    expect(h.phases.map((p) => p.kind)).toEqual(['socket', 'backoff', 'socket', 'backoff', 'socket']);
  });

  it('falls back to polling after 3 failed attempts and returns to the WebSocket when it works again', async () => {
    const h = harness('websocket');
    const delays = expectedDelays(4);
    h.sockets[0]!.serverClose(1006);
    vi.advanceTimersByTime(delays[0]!);
    h.sockets[1]!.serverClose(4429);
    vi.advanceTimersByTime(delays[1]!);
    h.sockets[2]!.serverClose(1001);
    expect(h.watcher.phase).toEqual({ kind: 'fallback', failures: 3 });
    expect(h.polls).toHaveLength(1);

    // Polls every interval while the next WebSocket attempt waits.
    h.polls[0]!({ kind: 'message', message: progress(20) });
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(h.polls).toHaveLength(2);
    expect(h.applied).toEqual([20]);

    // The WebSocket retry comes after backoff attempt 2 (counted from the third failure).
    await vi.advanceTimersByTimeAsync(delays[2]! - POLL_MS);
    expect(h.sockets).toHaveLength(4);
    expect(h.watcher.phase).toEqual({ kind: 'probe', failures: 3 });

    // It works: polling stops, and a poll answer still in flight is dropped.
    h.sockets[3]!.send(progress(25));
    expect(h.watcher.phase).toEqual({ kind: 'socket', failures: 0 });
    const inFlight = h.polls.length;
    for (const resolve of h.polls) resolve({ kind: 'message', message: progress(24) });
    await vi.advanceTimersByTimeAsync(10 * POLL_MS);
    expect(h.polls).toHaveLength(inFlight);
    expect(h.applied.at(-1)).toBe(25);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([4401, 4404])('never reconnects after %i', async (code) => {
    const h = harness('websocket');
    h.sockets[0]!.serverClose(code);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(h.sockets).toHaveLength(1);
    expect(h.polls).toHaveLength(0);
    expect(h.watcher.phase.kind).toBe('refused');
  });

  it('polls every interval without any WebSocket when WebSocket is off, until the terminal state', async () => {
    const h = harness('polling');
    expect(h.polls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(h.polls).toHaveLength(1);
    h.polls[0]!({ kind: 'error' });
    await vi.advanceTimersByTimeAsync(POLL_MS);
    h.polls[1]!({ kind: 'message', message: progress(30) });
    await vi.advanceTimersByTimeAsync(POLL_MS);
    h.polls[2]!({ kind: 'message', message: progress(31, 'succeeded') });
    await vi.advanceTimersByTimeAsync(5 * POLL_MS);
    expect(h.polls).toHaveLength(3);
    expect(h.sockets).toHaveLength(0);
    expect(h.applied).toEqual([30, 31]);
    expect(h.watcher.phase).toEqual({ kind: 'finished', status: 'succeeded' });
  });

  it('ignores a stopped socket and leaves no timers behind', async () => {
    const h = harness('websocket');
    const socket = h.sockets[0]!;
    h.watcher.stop();
    expect(socket.closedByClient).toBe(1000);
    socket.send(progress(8));
    socket.serverClose(1006);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.applied).toEqual([]);
    expect(h.sockets).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('treats a socket constructor that throws as a failed attempt', async () => {
    let opened = 0;
    const watcher = new JobWatcher({
      jobId: JOB_ID,
      lastSeq: 0,
      onApply: () => undefined,
      platform: {
        pollIntervalMs: POLL_MS,
        random: () => 0.5,
        openSocket: () => {
          opened += 1;
          throw new Error('blocked');
        },
        fetchProgress: () => new Promise<PollAnswer>(() => undefined),
      },
    });
    watcher.start('websocket');
    // Half of each ceiling: 1.5 s, then 3 s.
    await vi.advanceTimersByTimeAsync(1500 + 3000);
    expect(opened).toBe(3);
    expect(watcher.phase).toEqual({ kind: 'fallback', failures: 3 });
  });
});
