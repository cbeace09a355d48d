import { describe, expect, it } from 'vitest';
import { frameOf } from '../../../app/server/ws/progress-frame.js';

const message = (status: string, seq: number, error: string | null = null): string =>
  JSON.stringify({
    type: 'progress',
    jobId: 'j',
    status,
    processed: 1,
    total: 2,
    percent: 50,
    seq,
    error,
    at: '2026-01-01T00:00:00.000Z',
  });

describe('progress frame', () => {
  it('keeps the exact bytes and reads seq, terminal and at', () => {
    const text = message('running', 7);
    const frame = frameOf(Buffer.from(text));
    expect(frame?.data.toString()).toBe(text);
    expect(frame).toMatchObject({ seq: 7, terminal: false, atMs: Date.parse('2026-01-01T00:00:00.000Z') });
  });

  it('marks succeeded and failed as terminal', () => {
    expect(frameOf(message('succeeded', 3))?.terminal).toBe(true);
    expect(frameOf(message('failed', 3, 'timed out'))?.terminal).toBe(true);
    expect(frameOf(message('queued', 1))?.terminal).toBe(false);
  });

  it('is not fooled by an error text that looks like fields', () => {
    const frame = frameOf(message('running', 4, '"status":"failed","at":"1999-01-01T00:00:00.000Z"'));
    expect(frame).toMatchObject({ seq: 4, terminal: false, atMs: Date.parse('2026-01-01T00:00:00.000Z') });
  });

  it('answers undefined for text without a seq', () => {
    expect(frameOf('hello')).toBeUndefined();
  });
});
