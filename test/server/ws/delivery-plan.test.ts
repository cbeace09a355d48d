import { describe, expect, it } from 'vitest';
import { appendBacklog, planDelivery, type DeliveryState } from '../../../app/server/ws/delivery-plan.js';
import type { ProgressFrame } from '../../../app/server/ws/progress-frame.js';

const frame = (seq: number, terminal = false): ProgressFrame => ({
  data: Buffer.from(`{"seq":${seq}}`),
  seq,
  terminal,
  atMs: 0,
});
const live = (lastSeq: number, pending?: ProgressFrame): DeliveryState => ({ phase: 'live', lastSeq, pending });
const LIMIT = 1000;

describe('delivery plan', () => {
  it('sends a newer state to a socket that keeps up', () => {
    expect(planDelivery(live(3), frame(4), 0, LIMIT)).toBe('send');
    expect(planDelivery(live(3), frame(9), LIMIT, LIMIT)).toBe('send');
  });

  it('drops a state that is not newer than the last one sent', () => {
    expect(planDelivery(live(5), frame(5), 0, LIMIT)).toBe('stale');
    expect(planDelivery(live(5), frame(2), 0, LIMIT)).toBe('stale');
  });

  it('defers when the peer is behind, then coalesces to the newest state', () => {
    expect(planDelivery(live(3), frame(4), LIMIT + 1, LIMIT)).toBe('defer');
    expect(planDelivery(live(3, frame(4)), frame(5), LIMIT + 1, LIMIT)).toBe('coalesce');
    // Even once the buffer drained, a held state goes first (the watch flushes it); newer ones replace it.
    expect(planDelivery(live(3, frame(4)), frame(6, true), 0, LIMIT)).toBe('coalesce');
    expect(planDelivery(live(3, frame(6)), frame(6), 0, LIMIT)).toBe('stale');
  });

  it('queues while joining and ignores sockets that are authorizing or closing', () => {
    expect(planDelivery({ phase: 'joining', lastSeq: 0, pending: undefined }, frame(1), 0, LIMIT)).toBe('queue');
    expect(planDelivery({ phase: 'authorizing', lastSeq: 0, pending: undefined }, frame(1), 0, LIMIT)).toBe('ignore');
    expect(planDelivery({ phase: 'closing', lastSeq: 0, pending: undefined }, frame(1), 0, LIMIT)).toBe('ignore');
  });

  it('keeps a bounded backlog whose newest state, the terminal one, survives', () => {
    const backlog: ProgressFrame[] = [];
    let dropped = 0;
    for (let seq = 1; seq <= 10; seq++) dropped += appendBacklog(backlog, frame(seq, seq === 10), 4);
    expect(backlog.map((f) => f.seq)).toEqual([7, 8, 9, 10]);
    expect(backlog.at(-1)?.terminal).toBe(true);
    expect(dropped).toBe(6);
  });
});
