import { describe, expect, it } from 'vitest';
import { isWebsocketDisabledRefusal, judgeJobSocket } from '../../../../scripts/ops/verify/job-frames.js';

const JOB = '0b5e8a8e-3f5b-4b8e-9a57-3f1e6f0f1a11';
const frame = (seq: number, status: string, processed = 0, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: 'progress',
    jobId: JOB,
    status,
    processed,
    total: 3,
    percent: Math.round((processed / 3) * 100),
    seq,
    error: null,
    at: '2026-01-01T00:00:00.000Z',
    ...extra,
  });
const closed = (frames: string[], code = 1000, protocol = 'bearer') => ({
  kind: 'closed' as const,
  protocol,
  frames,
  code,
  reason: '',
});

describe("judging a job's WebSocket", () => {
  it('passes increasing frames that end succeeded, then close 1000', () => {
    const verdict = judgeJobSocket(JOB, closed([frame(1, 'queued'), frame(3, 'running', 2), frame(5, 'succeeded', 3)]));
    expect(verdict).toMatchObject({ ok: true, detail: '3 frame(s), seq 1→5, succeeded 3/3, closed 1000' });
  });

  it.each([
    [
      'a seq that goes back',
      [frame(3, 'running'), frame(2, 'running'), frame(4, 'succeeded', 3)],
      1000,
      'frame 2 has seq 2 after seq 3',
    ],
    [
      'a repeated seq',
      [frame(3, 'running'), frame(3, 'running'), frame(4, 'succeeded', 3)],
      1000,
      'frame 2 has seq 3 after seq 3',
    ],
    ['a close before the terminal state', [frame(1, 'running')], 1001, 'closed 1001 with the job still running'],
    [
      'a close code other than 1000',
      [frame(2, 'succeeded', 3)],
      1001,
      'closed 1001 after the terminal state; expected 1000',
    ],
    ['a failed job', [frame(2, 'failed', 1, { error: 'boom' })], 1000, 'the job failed: boom'],
    ['a frame that is not a Progress message', ['{"hello":1}'], 1000, 'frame 1 is not a Progress message'],
    ['a frame of another job', [frame(2, 'succeeded', 3, { jobId: 'other' })], 1000, 'frame 1 is for job other'],
    ['no frame at all', [], 4401, 'closed 4401 before any frame (unauthorized'],
  ])('fails %s', (_name, frames, code, message) => {
    const verdict = judgeJobSocket(JOB, closed(frames, code));
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toContain(message);
  });

  it('fails when the server does not select the bearer subprotocol', () => {
    expect(judgeJobSocket(JOB, closed([frame(2, 'succeeded', 3)], 1000, '')).detail).toContain(
      'selected subprotocol ""',
    );
  });

  it('explains refusals: WebSocket turned off, no endpoint, a proxy', () => {
    const disabled = {
      kind: 'refused' as const,
      status: 503,
      body: '{"error":{"code":"WEBSOCKET_DISABLED","message":"off"}}',
    };
    expect(judgeJobSocket(JOB, disabled).detail).toContain('--websocket off');
    expect(isWebsocketDisabledRefusal(disabled)).toBe(true);
    expect(judgeJobSocket(JOB, { kind: 'refused', status: 404, body: '' }).detail).toContain(
      'no /ws/jobs/{id} endpoint',
    );
    const proxy = { kind: 'refused' as const, status: 502, body: '<html>Bad Gateway</html>' };
    expect(judgeJobSocket(JOB, proxy).detail).toContain('HTTP 502');
    expect(isWebsocketDisabledRefusal(proxy)).toBe(false);
  });

  it('reports timeouts and socket errors with the frames seen', () => {
    expect(judgeJobSocket(JOB, { kind: 'timeout', frames: [frame(1, 'queued')] }).detail).toContain(
      'no terminal state within the time limit (1 frame(s) seen)',
    );
    expect(judgeJobSocket(JOB, { kind: 'error', message: 'ECONNRESET', frames: [] }).detail).toContain('ECONNRESET');
  });
});
