import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JobList } from '../../app/client/job-list.js';
import type { Job } from '../../app/domain/job.js';
import { JOB_ID, progress } from './progress-fixtures.js';

function job(id: string, seq = 1): Job {
  return {
    id,
    status: 'queued',
    filename: `${id}.csv`,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    processed: 0,
    total: 100,
    percent: 0,
    seq,
    error: null,
  };
}

/** A server list of `n` jobs, newest first (`j<n-1>` ... `j0`), paged like `GET /jobs`. */
class FakeServerList {
  readonly ids: string[];
  constructor(n: number) {
    this.ids = Array.from({ length: n }, (_, i) => `j${n - 1 - i}`);
  }
  upload(id: string): Job {
    this.ids.unshift(id);
    return job(id);
  }
  page(offset: number, limit: number): { offset: number; jobs: Job[]; total: number } {
    return { offset, jobs: this.ids.slice(offset, offset + limit).map((id) => job(id)), total: this.ids.length };
  }
}

const ids = (list: JobList): string[] => list.jobs.map((j) => j.id);

describe('job list', () => {
  it('appends pages at offset = number of jobs shown until the server has no more', () => {
    const server = new FakeServerList(130);
    const list = new JobList();
    list.appendPage(server.page(0, 60));
    expect(list.nextOffset()).toBe(60);
    expect(list.hasMore()).toBe(true);
    list.appendPage(server.page(list.nextOffset(), 60));
    list.appendPage(server.page(list.nextOffset(), 60));
    expect(ids(list)).toEqual(server.ids);
    expect(list.hasMore()).toBe(false);
  });

  it('puts an upload from this page on top, and the next page neither repeats nor skips a job', () => {
    const server = new FakeServerList(130);
    const list = new JobList();
    list.appendPage(server.page(0, 60));
    expect(list.insertTop(server.upload('mine'))).toBe(true);
    expect(ids(list)[0]).toBe('mine');
    list.appendPage(server.page(list.nextOffset(), 60));
    list.appendPage(server.page(list.nextOffset(), 60));
    expect(ids(list)).toEqual(server.ids);
    expect(list.hasMore()).toBe(false);
  });

  it('skips jobs it already shows when an upload elsewhere shifted the offsets', () => {
    const server = new FakeServerList(130);
    const list = new JobList();
    list.appendPage(server.page(0, 60));
    server.upload('other-tab');
    const added = list.appendPage(server.page(list.nextOffset(), 60));
    expect(added.map((j) => j.id)).not.toContain('j70');
    expect(added).toHaveLength(59);
    list.appendPage(server.page(list.nextOffset(), 60));
    expect(new Set(ids(list)).size).toBe(list.size);
    expect(ids(list)).toEqual(server.ids.filter((id) => id !== 'other-tab'));
    expect(list.hasMore()).toBe(false);
  });

  it('moves past a page that held only jobs already shown (more uploads elsewhere than a page holds)', () => {
    const server = new FakeServerList(10);
    const list = new JobList();
    list.appendPage(server.page(0, 2));
    // Two uploads elsewhere push the two shown jobs to positions 2 and 3: the next page repeats them.
    server.upload('else-0');
    server.upload('else-1');
    expect(list.appendPage(server.page(list.nextOffset(), 2))).toEqual([]);
    expect(list.nextOffset()).toBe(4);
    while (list.hasMore()) list.appendPage(server.page(list.nextOffset(), 2));
    expect(ids(list)).toEqual(server.ids.filter((id) => !id.startsWith('else-')));
  });

  it('never removes or reorders a shown job, whatever happens between pages', () => {
    type Action = { kind: 'more' } | { kind: 'mine' } | { kind: 'elsewhere' };
    const action = fc.oneof(
      fc.constant<Action>({ kind: 'more' }),
      fc.constant<Action>({ kind: 'mine' }),
      fc.constant<Action>({ kind: 'elsewhere' }),
    );
    fc.assert(
      fc.property(
        fc.nat(200),
        fc.integer({ min: 1, max: 100 }),
        fc.array(action, { maxLength: 40 }),
        (n, limit, actions) => {
          const server = new FakeServerList(n);
          const list = new JobList();
          list.appendPage(server.page(0, limit));
          let uploads = 0;
          for (const a of actions) {
            const before = ids(list);
            if (a.kind === 'more') list.appendPage(server.page(list.nextOffset(), limit));
            if (a.kind === 'mine') list.insertTop(server.upload(`mine-${uploads++}`));
            if (a.kind === 'elsewhere') server.upload(`else-${uploads++}`);
            const after = ids(list);
            // Everything shown before is still shown, in the same order.
            expect(after.filter((id) => before.includes(id))).toEqual(before);
            expect(new Set(after).size).toBe(after.length);
          }
          // Paging to the end shows every job that existed, except uploads from elsewhere made after
          // the pages passed their place (those appear on the next page load, as in any paged list).
          while (list.hasMore()) list.appendPage(server.page(list.nextOffset(), limit));
          expect(server.ids.filter((id) => !id.startsWith('else-')).every((id) => list.has(id))).toBe(true);
        },
      ),
    );
  });

  it('applies a newer progress message in place and ignores older ones', () => {
    const list = new JobList();
    list.appendPage({ offset: 0, jobs: [job(JOB_ID, 5)], total: 1 });
    expect(list.applyProgress(progress(5))).toBeUndefined();
    expect(list.applyProgress(progress(4))).toBeUndefined();
    const updated = list.applyProgress(progress(42));
    expect(updated).toMatchObject({ id: JOB_ID, status: 'running', processed: 40, percent: 40, seq: 42 });
    expect(list.get(JOB_ID)).toEqual(updated);
    expect(list.applyProgress(progress(43, 'running', { jobId: 'unknown' }))).toBeUndefined();
  });

  it("keeps a failed job's error message", () => {
    const list = new JobList();
    list.appendPage({ offset: 0, jobs: [job(JOB_ID)], total: 1 });
    expect(list.applyProgress(progress(9, 'failed', { error: 'Job timed out after 500 ms' }))?.error).toBe(
      'Job timed out after 500 ms',
    );
  });
});
