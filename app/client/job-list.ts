/**
 * The jobs the page shows, newest first. The list is never refreshed as a whole, so it never
 * flickers. "Load More" appends the next page and skips jobs already shown (an
 * upload elsewhere shifts the server's offsets), an upload on this page goes on top, and progress
 * updates change one job in place; nothing that was shown is ever removed. Pure.
 */
import type { Job } from '../domain/job.js';
import type { ProgressMessage } from '../domain/progress-message.js';

/** One page of `GET /jobs` and the offset it was requested with. */
export interface ListedPage {
  readonly offset: number;
  readonly jobs: readonly Job[];
  readonly total: number;
}

export class JobList {
  private readonly order: string[] = [];
  private readonly byId = new Map<string, Job>();
  /** How far into the server's list the pages reached, and the server's count, as last known. */
  private reached = 0;
  private serverTotal = 0;
  /**
   * Where the next page starts when the last one held only jobs already shown (more uploads
   * elsewhere than a page holds): those positions are covered, so paging moves past them.
   */
  private skipTo = 0;

  /** The shown jobs, newest first. */
  get jobs(): Job[] {
    return this.order.map((id) => this.byId.get(id)!);
  }

  get size(): number {
    return this.order.length;
  }

  has(jobId: string): boolean {
    return this.byId.has(jobId);
  }

  get(jobId: string): Job | undefined {
    return this.byId.get(jobId);
  }

  /** The `offset` of the next page: the number of jobs shown (see {@link skipTo} for the exception). */
  nextOffset(): number {
    return Math.max(this.order.length, this.skipTo);
  }

  /** True while the server has jobs beyond the last page fetched. */
  hasMore(): boolean {
    return this.reached < this.serverTotal;
  }

  /** Appends the page's jobs that are not shown yet, in order; answers the ones added. */
  appendPage(page: ListedPage): Job[] {
    this.reached = Math.max(this.reached, page.offset + page.jobs.length);
    this.serverTotal = page.total;
    const added: Job[] = [];
    for (const job of page.jobs) {
      if (this.byId.has(job.id)) continue;
      this.byId.set(job.id, job);
      this.order.push(job.id);
      added.push(job);
    }
    this.skipTo = added.length === 0 && page.jobs.length > 0 ? page.offset + page.jobs.length : 0;
    return added;
  }

  /** Puts a job uploaded from this page on top; answers false when it is already shown. */
  insertTop(job: Job): boolean {
    if (this.byId.has(job.id)) return false;
    this.byId.set(job.id, job);
    this.order.unshift(job.id);
    // The server's list grew by one at its head: every later page starts one further down.
    this.reached += 1;
    this.serverTotal += 1;
    if (this.skipTo > 0) this.skipTo += 1;
    return true;
  }

  /**
   * Applies a progress message to a shown job and answers the updated job, or `undefined` when the
   * job is not shown or the message is not newer than what the job shows.
   */
  applyProgress(message: ProgressMessage): Job | undefined {
    const job = this.byId.get(message.jobId);
    if (!job || message.seq <= job.seq) return undefined;
    const updated: Job = {
      ...job,
      status: message.status,
      processed: message.processed,
      total: message.total,
      percent: message.percent,
      seq: message.seq,
      error: message.error,
      updatedAt: message.at,
    };
    this.byId.set(job.id, updated);
    return updated;
  }
}
