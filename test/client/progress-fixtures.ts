import type { JobStatus } from '../../app/domain/job.js';
import type { ProgressMessage } from '../../app/domain/progress-message.js';

export const JOB_ID = '0b6f3a52-6a0e-4c39-9f0c-7d3f0f6b9a11';
export const OTHER_JOB_ID = '5d0c1f0e-2b7a-4a8e-9a43-1c2d3e4f5a6b';

/** A Progress message of `JOB_ID` with the given `seq` (processed = seq - 2 of 100 rows). */
export function progress(
  seq: number,
  status: JobStatus = 'running',
  overrides: Partial<ProgressMessage> = {},
): ProgressMessage {
  const processed = status === 'succeeded' ? 100 : Math.max(0, Math.min(100, seq - 2));
  return {
    type: 'progress',
    jobId: JOB_ID,
    status,
    processed,
    total: 100,
    percent: processed,
    seq,
    error: status === 'failed' ? 'boom' : null,
    at: new Date(1_700_000_000_000 + seq * 100).toISOString(),
    ...overrides,
  };
}
