import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newWatch, stepWatch, type Watch, type WatchEffect, type WatchEvent } from '../../app/client/watch-machine.js';
import { RECONNECT_POLICY } from '../../app/domain/wire-contract.js';
import { JOB_ID, OTHER_JOB_ID, progress } from './progress-fixtures.js';

/** Runs events from a fresh watch (last shown seq 2) and answers the final watch and every effect. */
function run(events: WatchEvent[], start: Watch = newWatch(JOB_ID, 2)): { watch: Watch; effects: WatchEffect[] } {
  let watch = start;
  const effects: WatchEffect[] = [];
  for (const event of events) {
    const step = stepWatch(watch, event);
    watch = step.watch;
    effects.push(...step.effects);
  }
  return { watch, effects };
}

const applied = (effects: WatchEffect[]): number[] =>
  effects.flatMap((effect) => (effect.type === 'apply' ? [effect.message.seq] : []));
const ws: WatchEvent = { type: 'start', mode: 'websocket' };
const closed = (code: number): WatchEvent => ({ type: 'socket-closed', code });
const frame = (seq: number, status?: Parameters<typeof progress>[1]): WatchEvent => ({
  type: 'frame',
  message: progress(seq, status),
});
const retryDue: WatchEvent = { type: 'retry-due' };

describe('watch state machine', () => {
  it('opens a WebSocket when WebSocket is enabled', () => {
    const step = stepWatch(newWatch(JOB_ID, 2), ws);
    expect(step.watch.phase).toEqual({ kind: 'socket', failures: 0 });
    expect(step.effects).toEqual([{ type: 'open-socket' }]);
  });

  it('polls and never opens a WebSocket when WebSocket is disabled', () => {
    const { watch, effects } = run([
      { type: 'start', mode: 'polling' },
      { type: 'poll-due' },
      { type: 'poll-answer', answer: { kind: 'message', message: progress(3) } },
      retryDue,
      { type: 'poll-due' },
      { type: 'poll-answer', answer: { kind: 'error' } },
    ]);
    expect(watch.phase).toEqual({ kind: 'polling' });
    expect(effects.map((e) => e.type)).toEqual([
      'schedule-poll',
      'poll',
      'apply',
      'schedule-poll',
      'poll',
      'schedule-poll',
    ]);
  });

  it('applies only messages with a seq larger than the last applied', () => {
    const { watch, effects } = run([ws, frame(2), frame(5), frame(5), frame(4), frame(6), frame(3)]);
    expect(applied(effects)).toEqual([5, 6]);
    expect(watch.lastSeq).toBe(6);
  });

  it('ignores frames about another job', () => {
    const { effects } = run([ws, { type: 'frame', message: progress(9, 'running', { jobId: OTHER_JOB_ID }) }]);
    expect(applied(effects)).toEqual([]);
  });

  it('finishes at the terminal state and releases the socket and timers', () => {
    const step = run([ws, frame(3), frame(40, 'succeeded')]);
    expect(step.watch.phase).toEqual({ kind: 'finished', status: 'succeeded' });
    expect(step.effects.slice(-4).map((e) => e.type)).toEqual(['apply', 'close-socket', 'cancel-retry', 'cancel-poll']);
    // The server's 1000 after the terminal frame, and anything later, changes nothing.
    expect(run([closed(1000), retryDue, { type: 'poll-due' }], step.watch).effects).toEqual([]);
  });

  it("keeps a failed job's end as failed", () => {
    expect(run([ws, frame(7, 'failed')]).watch.phase).toEqual({ kind: 'finished', status: 'failed' });
  });

  describe('on each close code', () => {
    const retried = [1000, 1001, 1006, 1013, 4429, 4000, 4500];
    it.each(retried)('reconnects after a backoff on %i', (code) => {
      const step = run([ws, closed(code)]);
      expect(step.watch.phase).toEqual({ kind: 'backoff', failures: 1 });
      expect(step.effects.at(-1)).toEqual({ type: 'schedule-retry', attempt: 0 });
      const again = stepWatch(step.watch, retryDue);
      expect(again.watch.phase).toEqual({ kind: 'socket', failures: 1 });
      expect(again.effects).toEqual([{ type: 'open-socket' }]);
    });

    it.each([
      [4401, 'unauthorized'],
      [4404, 'not-found'],
    ] as const)('stops for good on %i', (code, reason) => {
      const step = stepWatch(run([ws]).watch, closed(code));
      expect(step.watch.phase).toEqual({ kind: 'refused', reason });
      expect(
        step.effects.some((e) => e.type === 'schedule-retry' || e.type === 'open-socket' || e.type === 'poll'),
      ).toBe(false);
      expect(run([retryDue, { type: 'poll-due' }, ws], step.watch).effects).toEqual([]);
    });
  });

  it('backs off with a growing attempt number while failures continue', () => {
    const { effects } = run([ws, closed(1006), retryDue, closed(1006)]);
    expect(effects.filter((e) => e.type === 'schedule-retry')).toEqual([
      { type: 'schedule-retry', attempt: 0 },
      { type: 'schedule-retry', attempt: 1 },
    ]);
  });

  it('starts the failure count over once a frame arrives, even a snapshot it already has', () => {
    const { watch } = run([ws, closed(1001), retryDue, frame(2)]);
    expect(watch.phase).toEqual({ kind: 'socket', failures: 0 });
    expect(stepWatch(watch, closed(1001)).effects).toEqual([{ type: 'schedule-retry', attempt: 0 }]);
  });

  it(`falls back to polling after ${RECONNECT_POLICY.failuresBeforeFallback} failures in a row, polling at once`, () => {
    const { watch, effects } = run([ws, closed(1006), retryDue, closed(1013), retryDue, closed(4429)]);
    expect(watch.phase).toEqual({ kind: 'fallback', failures: 3 });
    expect(effects.slice(-2)).toEqual([{ type: 'schedule-retry', attempt: 2 }, { type: 'poll' }]);
  });

  it('keeps polling in the fallback and tries the WebSocket again later', () => {
    const fallback = run([ws, closed(1006), retryDue, closed(1006), retryDue, closed(1006)]).watch;
    const polled = run(
      [{ type: 'poll-answer', answer: { kind: 'message', message: progress(10) } }, { type: 'poll-due' }],
      fallback,
    );
    expect(polled.effects).toEqual([
      { type: 'apply', message: progress(10) },
      { type: 'schedule-poll' },
      { type: 'poll' },
    ]);

    const probe = stepWatch(polled.watch, retryDue);
    expect(probe.watch.phase).toEqual({ kind: 'probe', failures: 3 });
    expect(probe.effects).toEqual([{ type: 'open-socket' }]);

    // The probe fails: still polling, the next retry waits longer.
    const failed = stepWatch(probe.watch, closed(1006));
    expect(failed.watch.phase).toEqual({ kind: 'fallback', failures: 4 });
    expect(failed.effects).toEqual([{ type: 'schedule-retry', attempt: 3 }]);

    // The next probe works: the socket takes over and polling stops.
    const recovered = run([retryDue, frame(12)], failed.watch);
    expect(recovered.watch.phase).toEqual({ kind: 'socket', failures: 0 });
    expect(recovered.effects).toEqual([
      { type: 'open-socket' },
      { type: 'apply', message: progress(12) },
      { type: 'cancel-poll' },
    ]);
  });

  it('finishes from a polled terminal state and stops polling', () => {
    const polling = run([{ type: 'start', mode: 'polling' }, { type: 'poll-due' }]).watch;
    const step = stepWatch(polling, {
      type: 'poll-answer',
      answer: { kind: 'message', message: progress(50, 'succeeded') },
    });
    expect(step.watch.phase).toEqual({ kind: 'finished', status: 'succeeded' });
    expect(step.effects.map((e) => e.type)).toEqual(['apply', 'close-socket', 'cancel-retry', 'cancel-poll']);
  });

  it.each([['unauthorized'], ['not-found']] as const)('stops when polling is refused (%s)', (reason) => {
    const step = run([
      { type: 'start', mode: 'polling' },
      { type: 'poll-answer', answer: { kind: 'refused', reason } },
    ]);
    expect(step.watch.phase).toEqual({ kind: 'refused', reason });
  });

  it('stops on request and releases everything', () => {
    const step = run([ws, { type: 'stop' }]);
    expect(step.watch.phase).toEqual({ kind: 'stopped' });
    expect(step.effects.slice(-3).map((e) => e.type)).toEqual(['close-socket', 'cancel-retry', 'cancel-poll']);
  });

  describe('for any sequence of events', () => {
    const event: fc.Arbitrary<WatchEvent> = fc.oneof(
      fc.constant(ws),
      fc.constant<WatchEvent>({ type: 'start', mode: 'polling' }),
      fc
        .record({
          seq: fc.nat(60),
          status: fc.constantFrom(
            'queued',
            'running',
            'running',
            'running',
            'succeeded',
            'failed',
          ) as fc.Arbitrary<'running'>,
        })
        .map(({ seq, status }) => frame(seq, status)),
      fc.constantFrom(1000, 1001, 1006, 1013, 4401, 4404, 4429).map(closed),
      fc.constant(retryDue),
      fc.constant<WatchEvent>({ type: 'poll-due' }),
      fc
        .nat(60)
        .map((seq): WatchEvent => ({ type: 'poll-answer', answer: { kind: 'message', message: progress(seq) } })),
      fc.constant<WatchEvent>({ type: 'poll-answer', answer: { kind: 'error' } }),
    );

    it('applies strictly increasing seqs and nothing after the end', () => {
      fc.assert(
        fc.property(fc.array(event, { maxLength: 60 }), (events) => {
          let watch = newWatch(JOB_ID, 2);
          let last = 2;
          for (const e of events) {
            const over = ['finished', 'refused', 'stopped'].includes(watch.phase.kind);
            const step = stepWatch(watch, e);
            if (over) expect(step.effects).toEqual([]);
            for (const seq of applied([...step.effects])) {
              expect(seq).toBeGreaterThan(last);
              last = seq;
            }
            watch = step.watch;
          }
        }),
      );
    });

    it('never opens a WebSocket when started in polling mode', () => {
      fc.assert(
        fc.property(fc.array(event, { maxLength: 60 }), (events) => {
          const { effects } = run([{ type: 'start', mode: 'polling' }, ...events]);
          expect(effects.some((e) => e.type === 'open-socket')).toBe(false);
        }),
      );
    });
  });
});
