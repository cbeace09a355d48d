import { describe, expect, it } from 'vitest';
import { LARGE_RECORD_BYTES, LargeRecordGate, LargeRecordTurn } from '../../app/large-record-gate.js';

describe('large record gate', () => {
  it('lets one large record through at a time, in arrival order', async () => {
    const gate = new LargeRecordGate();
    const order: string[] = [];
    const first = await gate.enter();
    const second = gate.enter().then((release) => {
      order.push('second');
      return release;
    });
    const third = gate.enter().then((release) => {
      order.push('third');
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    // Free again: the next one passes at once.
    (await gate.enter())();
  });

  it('stops waiting when the caller is aborted, and keeps the queue intact', async () => {
    const gate = new LargeRecordGate();
    const held = await gate.enter();
    const controller = new AbortController();
    const aborted = gate.enter(controller.signal);
    const later = gate.enter();
    controller.abort(new Error('timed out'));
    await expect(aborted).rejects.toThrow('timed out');
    held();
    (await later)();
  });

  it('takes a turn only for a record past the limit, and gives it back once the record is done', async () => {
    const gate = new LargeRecordGate();
    const turn = new LargeRecordTurn(gate);
    await turn.before(1_000);
    (await gate.enter())(); // a small record took no turn
    await turn.before(LARGE_RECORD_BYTES + 1);
    let entered = false;
    const other = gate.enter().then((release) => {
      entered = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(entered).toBe(false);
    turn.after(LARGE_RECORD_BYTES + 5); // still inside the large record
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(entered).toBe(false);
    turn.after(10);
    (await other)();
    expect(entered).toBe(true);
  });
});
