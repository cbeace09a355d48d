import { describe, expect, it } from 'vitest';
import { drainBatches, drainTimings } from '../../../app/server/ws/shutdown-schedule.js';

describe('shutdown schedule', () => {
  it('spreads closes over the window in even batches that add up to every socket', () => {
    const batches = drainBatches(1_000, 2_000, 50);
    expect(batches).toHaveLength(41);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(Math.max(...batches) - Math.min(...batches)).toBeLessThanOrEqual(1);
  });

  it('uses no more batches than sockets and one batch for a zero window', () => {
    expect(drainBatches(3, 2_000, 50)).toEqual([1, 1, 1]);
    expect(drainBatches(7, 0, 50)).toEqual([7]);
    expect(drainBatches(0, 2_000, 50)).toEqual([]);
  });

  it('keeps the window and the handshake wait within half of SHUTDOWN_TIMEOUT_MS', () => {
    expect(drainTimings(2_000, 10_000)).toEqual({ windowMs: 2_000, graceMs: 3_000 });
    const short = drainTimings(2_000, 1_000);
    expect(short.windowMs).toBe(250);
    expect(short.windowMs + short.graceMs).toBeLessThanOrEqual(500);
  });
});
