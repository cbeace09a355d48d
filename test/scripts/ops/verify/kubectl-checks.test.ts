import { describe, expect, it } from 'vitest';
import { errorLines, judgePods } from '../../../../scripts/ops/verify/kubectl-checks.js';

const pods = (items: object[]): string => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
const pod = (name: string, phase: string, ready: boolean[], waiting?: string): object => ({
  metadata: { name },
  status: {
    phase,
    containerStatuses: ready.map((r) => ({
      ready: r,
      state: waiting ? { waiting: { reason: waiting } } : { running: {} },
    })),
  },
});

describe('kubectl checks', () => {
  it('passes when every pod runs with every container ready', () => {
    expect(judgePods('web', pods([pod('web-1', 'Running', [true]), pod('web-2', 'Running', [true])]))).toBe(
      '2/2 pods ready (web-1, web-2)',
    );
  });

  it('names the pods that are not ready, with the waiting reason', () => {
    expect(() =>
      judgePods(
        'rq-worker',
        pods([
          pod('w-1', 'Running', [true]),
          pod('w-2', 'Running', [false], 'CrashLoopBackOff'),
          pod('w-3', 'Pending', []),
        ]),
      ),
    ).toThrow('1/3 pods ready; not ready: w-2 CrashLoopBackOff, w-3 Pending');
  });

  it('leaves terminating pods out (the old ones right after a rollout), and says how many', () => {
    const leaving = {
      ...pod('web-old', 'Running', [false]),
      metadata: { name: 'web-old', deletionTimestamp: '2026-01-01T00:00:00Z' },
    };
    expect(judgePods('web', pods([pod('web-new', 'Running', [true]), leaving]))).toBe(
      '1/1 pods ready (web-new); 1 terminating, not counted',
    );
    expect(() => judgePods('web', pods([leaving]))).toThrow('no pods with label app=web (1 terminating)');
  });

  it('fails when no pod has the label, or the answer is not JSON', () => {
    expect(() => judgePods('redis', pods([]))).toThrow('no pods with label app=redis');
    expect(() => judgePods('redis', 'No resources found')).toThrow('did not answer JSON');
  });

  it('finds error lines: pino levels 50+ for JSON lines, error words otherwise', () => {
    const log = [
      '{"level":30,"msg":"[Worker] Published failure status for job 1"}',
      '{"level":40,"msg":"Redis error, reconnecting"}',
      '{"level":50,"msg":"job store write failed"}',
      '{"level":60,"msg":"cannot start"}',
      '{"level":"error","msg":"text level"}',
      '1:M 01 Jan 2026 * Ready to accept connections',
      '1:M 01 Jan 2026 # Error condition on socket for SYNC: Connection refused',
      '{"level":30,"msg":"cut in hal',
      '',
    ].join('\n');
    expect(errorLines(log)).toEqual([
      '{"level":50,"msg":"job store write failed"}',
      '{"level":60,"msg":"cannot start"}',
      '{"level":"error","msg":"text level"}',
      '1:M 01 Jan 2026 # Error condition on socket for SYNC: Connection refused',
    ]);
  });
});
