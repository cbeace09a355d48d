import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { Heartbeat } from '../../../app/server/ws/heartbeat.js';
import type { ProgressSocket } from '../../../app/server/ws/progress-socket.js';

/** A socket stand-in: counts pings, answers them at once unless told to stay silent. */
function fakeSocket(answers = true) {
  const socket = {
    readyState: WebSocket.OPEN as number,
    alive: true,
    pings: 0,
    terminated: false,
    ping() {
      socket.pings++;
      if (answers) socket.alive = true;
    },
    terminate() {
      socket.terminated = true;
      socket.readyState = WebSocket.CLOSED;
    },
  };
  return socket;
}

describe('heartbeat slices', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spreads one round over the interval instead of pinging every socket at once', () => {
    const sockets = Array.from({ length: 1000 }, () => fakeSocket());
    const heartbeat = new Heartbeat(new Set(sockets as unknown as ProgressSocket[]), 25_000);
    heartbeat.start();
    vi.advanceTimersByTime(1_000);
    expect(sockets.filter((s) => s.pings > 0)).toHaveLength(40);
    vi.advanceTimersByTime(24_000);
    expect(sockets.every((s) => s.pings === 1)).toBe(true);
    vi.advanceTimersByTime(25_000);
    expect(sockets.every((s) => s.pings === 2)).toBe(true);
    heartbeat.stop();
  });

  it('pings each of a few sockets once per interval, not once per slice', () => {
    const sockets = [fakeSocket(), fakeSocket(), fakeSocket()];
    const heartbeat = new Heartbeat(new Set(sockets as unknown as ProgressSocket[]), 1_000);
    heartbeat.start();
    vi.advanceTimersByTime(3_000);
    expect(sockets.map((s) => s.pings)).toEqual([3, 3, 3]);
    heartbeat.stop();
  });

  it('terminates a peer that did not answer the previous ping, one interval later', () => {
    const silent = fakeSocket(false);
    const dead: unknown[] = [];
    const heartbeat = new Heartbeat(new Set([silent, fakeSocket()] as unknown as ProgressSocket[]), 200, (s) =>
      dead.push(s),
    );
    heartbeat.start();
    vi.advanceTimersByTime(200);
    expect(silent).toMatchObject({ pings: 1, terminated: false });
    vi.advanceTimersByTime(200);
    expect(silent.terminated).toBe(true);
    expect(dead).toEqual([silent]);
    heartbeat.stop();
  });

  it('takes sockets that opened during a round into the next one', () => {
    const set = new Set<ProgressSocket>();
    const first = fakeSocket();
    set.add(first as unknown as ProgressSocket);
    const heartbeat = new Heartbeat(set, 1_000);
    heartbeat.start();
    vi.advanceTimersByTime(500);
    const late = fakeSocket();
    set.add(late as unknown as ProgressSocket);
    vi.advanceTimersByTime(500);
    expect(late.pings).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(late.pings).toBe(1);
    expect(first.pings).toBe(2);
    heartbeat.stop();
  });
});
