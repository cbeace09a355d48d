/**
 * The Redis job store both the web server and the worker use: job records, the per-user index, the
 * input and result CSVs, and atomic state changes that publish the Progress message.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isJobStatus, percentOf, type Job, type JobStatus } from '../domain/job.js';
import { progressChannel, redisKeys, type RedisKeys } from '../domain/redis-keys.js';
import { CREATE_JOB, TRANSITION_JOB } from './lua-scripts.js';
import { refusalAsDependencyDown } from './redis-refusal.js';

export interface NewJob {
  readonly userId: string;
  readonly filename: string;
  readonly inputCsv: string;
  readonly total: number;
}

export interface StateChange {
  readonly status: JobStatus;
  readonly processed: number;
  readonly total: number;
  readonly error?: string | null;
  /** The result CSV, written in the same atomic step as `succeeded`. */
  readonly resultCsv?: string;
}

/** A job record as stored, with its owner (never sent to clients). */
export interface JobRecord extends Job {
  readonly userId: string;
  /** The exact Progress message text of the current `seq`. */
  readonly progressText: string;
}

export interface JobPage {
  readonly jobs: Job[];
  readonly total: number;
}

export interface JobStoreOptions {
  /** Key prefix; tests pass their own. @default 'pl' */
  readonly prefix?: string;
  /** Clock, for deterministic tests. @default Date.now */
  readonly now?: () => number;
}

export class JobStore {
  readonly keys: RedisKeys;
  private readonly now: () => number;

  constructor(private readonly redis: Redis, options: JobStoreOptions = {}) {
    this.keys = redisKeys(options.prefix);
    this.now = options.now ?? Date.now;
  }

  /** Creates a `queued` job owned by `userId` and publishes its first message (`seq` 1). */
  async create(job: NewJob): Promise<JobRecord> {
    const id = randomUUID();
    const nowMs = this.now();
    const k = this.keys;
    await refusalAsDependencyDown(() => this.redis.eval(
      CREATE_JOB, 5,
      k.job(id), k.userJobs(job.userId), k.input(id), k.openJobs, k.jobCounter,
      id, job.userId, job.filename, job.total, new Date(nowMs).toISOString(), nowMs, job.inputCsv, progressChannel(id),
    ));
    const record = await this.read(id);
    if (!record) throw new Error(`job ${id} vanished right after it was created`);
    return record;
  }

  /**
   * Applies a state change atomically (record, `seq`, publish). Answers the published message text,
   * or `undefined` when the job is unknown or already terminal (a terminal state is final).
   */
  async transition(jobId: string, change: StateChange): Promise<string | undefined> {
    const nowMs = this.now();
    const k = this.keys;
    const text = await refusalAsDependencyDown(() => this.redis.eval(
      TRANSITION_JOB, 3,
      k.job(jobId), k.openJobs, k.result(jobId),
      change.status, change.processed, change.total, percentOf(change.processed, change.total, change.status),
      change.error ?? '', new Date(nowMs).toISOString(), nowMs, progressChannel(jobId), change.resultCsv ?? '',
    ));
    return typeof text === 'string' ? text : undefined;
  }

  /** The job's record regardless of owner (worker and relay use; HTTP goes through {@link getOwned}). */
  async read(jobId: string): Promise<JobRecord | undefined> {
    const hash = await this.redis.hgetall(this.keys.job(jobId));
    return toRecord(hash);
  }

  /** The job when `userId` owns it; another user's job answers like a missing one. */
  async getOwned(userId: string, jobId: string): Promise<JobRecord | undefined> {
    const record = await this.read(jobId);
    return record && record.userId === userId ? record : undefined;
  }

  /** One page of the user's jobs, newest first, with the total count. */
  async list(userId: string, offset: number, limit: number): Promise<JobPage> {
    const key = this.keys.userJobs(userId);
    const [ids, total] = await Promise.all([
      limit > 0 ? this.redis.zrevrange(key, offset, offset + limit - 1) : Promise.resolve([]),
      this.redis.zcard(key),
    ]);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.job(id));
    const results = ids.length > 0 ? ((await pipeline.exec()) ?? []) : [];
    const jobs: Job[] = [];
    for (const [error, hash] of results) {
      if (error) throw error;
      const record = toRecord(hash as Record<string, string>);
      if (record) jobs.push(toPublicJob(record));
    }
    return { jobs, total };
  }

  async readInput(jobId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.input(jobId))) ?? undefined;
  }

  async readResult(jobId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.result(jobId))) ?? undefined;
  }

  /** Ids of jobs not yet terminal whose last change is older than `idleMs`. */
  async idleOpenJobs(idleMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.openJobs, 0, this.now() - idleMs);
  }
}

/** The Job of the HTTP API: the record without its owner or message text. */
export function toPublicJob(record: JobRecord): Job {
  const { userId: _owner, progressText: _text, ...job } = record;
  return job;
}

function toRecord(hash: Record<string, string>): JobRecord | undefined {
  if (!hash.id || !isJobStatus(hash.status) || hash.userId === undefined) return undefined;
  const status: JobStatus = hash.status;
  const processed = Number(hash.processed ?? 0);
  const total = Number(hash.total ?? 0);
  return {
    id: hash.id,
    status,
    filename: hash.filename ?? '',
    createdAt: hash.createdAt ?? '',
    updatedAt: hash.updatedAt ?? '',
    processed,
    total,
    percent: Number(hash.percent ?? percentOf(processed, total, status)),
    seq: Number(hash.seq ?? 0),
    error: hash.error ? hash.error : null,
    userId: hash.userId,
    progressText: hash.progress ?? '',
  };
}
