/**
 * The Redis job store both the web server and the worker use: job records, the per-user index, the
 * stored input and result files, and atomic state changes that publish the Progress message. Every
 * job has a lifecycle: it holds its room from `201` until it ends, and then expires whole (record,
 * result, index entries) JOB_RETENTION_SECONDS later.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CONFIG_DEFAULTS } from '../config.js';
import { ADMISSION_MEMORY_FRACTION, type CapacityRefusal } from '../domain/capacity.js';
import { isTerminal, percentOf, type Job, type JobStatus } from '../domain/job.js';
import { progressChannel, redisKeys, type RedisKeys } from '../domain/redis-keys.js';
import { parseRefusal } from './capacity-reply.js';
import { toPublicJob, toRecord, type JobRecord } from './job-record.js';
import { APPEND_RESULT, CREATE_JOB, FINISH_JOB, LIST_JOBS, REPORT_PROGRESS, START_ATTEMPT } from './lua-scripts.js';
import { refusalAsDependencyDown } from './redis-refusal.js';
import { readPieces } from './stored-file.js';
import { UploadStaging } from './upload-staging.js';

export { toPublicJob, type JobRecord } from './job-record.js';

/** A job to create from an upload whose file is staged (see {@link UploadStaging}). */
export interface NewJob {
  readonly userId: string;
  readonly filename: string;
  readonly uploadId: string;
  /** Data rows. */
  readonly total: number;
  /** Room to hold until the job ends: `jobReservationBytes` of its result bound. */
  readonly reserveBytes: number;
}

export type CreateOutcome =
  | { readonly created: JobRecord }
  | { readonly refused: CapacityRefusal }
  /** The staged file expired before the job was created (an upload that took over an hour). */
  | { readonly lost: true };

export interface StateChange {
  readonly status: JobStatus;
  readonly processed: number;
  readonly total: number;
  readonly error?: string | null;
  /** The attempt that must still own the job for the change to apply (the worker's); none: any. */
  readonly attemptId?: string;
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
  /** How long a finished job stays (JOB_RETENTION_SECONDS). @default 604800 */
  readonly retentionSeconds?: number;
  /** Most jobs queued or running at once (MAX_OPEN_JOBS); more uploads are refused. @default 1000 */
  readonly maxOpenJobs?: number;
  /** The longest an upload may stream in before its room lapses (tests shorten it). @default 3600000 */
  readonly uploadDeadlineMs?: number;
}

export class JobStore {
  readonly keys: RedisKeys;
  readonly staging: UploadStaging;
  readonly maxOpenJobs: number;
  private readonly now: () => number;
  private readonly retentionMs: number;

  constructor(
    private readonly redis: Redis,
    options: JobStoreOptions = {},
  ) {
    this.keys = redisKeys(options.prefix);
    this.now = options.now ?? Date.now;
    this.retentionMs = (options.retentionSeconds ?? CONFIG_DEFAULTS.jobRetentionSeconds) * 1_000;
    this.maxOpenJobs = options.maxOpenJobs ?? CONFIG_DEFAULTS.maxOpenJobs;
    this.staging = new UploadStaging(redis, this.keys, this.maxOpenJobs, options.uploadDeadlineMs);
  }

  /**
   * Creates a `queued` job from a staged upload and publishes its first message (`seq` 1), if the
   * store has room for its result; otherwise deletes the staged file and answers the refusal.
   */
  async create(job: NewJob): Promise<CreateOutcome> {
    const id = randomUUID();
    const nowMs = this.now();
    const k = this.keys;
    const reply = (await refusalAsDependencyDown(() =>
      this.redis.eval(
        CREATE_JOB,
        9,
        k.job(id),
        k.userJobs(job.userId),
        k.userExpiry(job.userId),
        k.openJobs,
        k.jobCounter,
        k.upload(job.uploadId),
        k.input(id),
        k.uploadReservations,
        k.retainedJobs,
        id,
        job.userId,
        job.filename,
        job.total,
        new Date(nowMs).toISOString(),
        nowMs,
        progressChannel(id),
        job.uploadId,
        job.reserveBytes,
        this.maxOpenJobs,
        ADMISSION_MEMORY_FRACTION,
        k.jobPrefix,
      ),
    )) as unknown[];
    if (reply[0] === 'lost') return { lost: true };
    if (reply[0] !== 'ok') return { refused: parseRefusal(reply) };
    const record = await this.read(id);
    if (!record) throw new Error(`job ${id} vanished right after it was created`);
    return { created: record };
  }

  /**
   * Starts attempt `attemptId`: the job is `running` and only this attempt may report progress,
   * write the result and end it. Answers the message text, or `undefined` when the job is unknown or
   * already terminal.
   */
  async startAttempt(jobId: string, attemptId: string, processed: number, total: number): Promise<string | undefined> {
    const nowMs = this.now();
    const k = this.keys;
    const text = await refusalAsDependencyDown(() =>
      this.redis.eval(
        START_ATTEMPT,
        3,
        k.job(jobId),
        k.openJobs,
        k.partial(jobId),
        attemptId,
        processed,
        total,
        percentOf(processed, total, 'running'),
        new Date(nowMs).toISOString(),
        nowMs,
        progressChannel(jobId),
      ),
    );
    return typeof text === 'string' ? text : undefined;
  }

  /**
   * Applies a state change atomically (record, `seq`, publish; a terminal one also releases the
   * job's room, deletes its input and starts its retention). Answers the published message text, or
   * `undefined` when the job is unknown, already terminal (terminal is final), or owned by another
   * attempt than `change.attemptId`.
   */
  async transition(jobId: string, change: StateChange): Promise<string | undefined> {
    const nowMs = this.now();
    const at = new Date(nowMs).toISOString();
    const percent = percentOf(change.processed, change.total, change.status);
    const k = this.keys;
    if (!isTerminal(change.status)) {
      const text = await refusalAsDependencyDown(() =>
        this.redis.eval(
          REPORT_PROGRESS,
          2,
          k.job(jobId),
          k.openJobs,
          change.processed,
          change.total,
          percent,
          at,
          nowMs,
          progressChannel(jobId),
          change.attemptId ?? '',
        ),
      );
      return typeof text === 'string' ? text : undefined;
    }
    // The owner's index keys are part of the atomic step; the owner of a job never changes.
    const userId = await this.redis.hget(k.job(jobId), 'userId');
    if (userId === null) return undefined;
    const text = await refusalAsDependencyDown(() =>
      this.redis.eval(
        FINISH_JOB,
        8,
        k.job(jobId),
        k.openJobs,
        k.partial(jobId),
        k.result(jobId),
        k.input(jobId),
        k.userJobs(userId),
        k.userExpiry(userId),
        k.retainedJobs,
        change.status,
        change.processed,
        change.total,
        percent,
        change.error ?? '',
        at,
        progressChannel(jobId),
        change.attemptId ?? '',
        this.retentionMs,
      ),
    );
    return typeof text === 'string' ? text : undefined;
  }

  /** Appends a gzipped piece to the result attempt `attemptId` writes; `false` when another attempt owns the job. */
  async appendResult(jobId: string, attemptId: string, piece: Buffer): Promise<boolean> {
    const k = this.keys;
    const appended = await refusalAsDependencyDown(() =>
      this.redis.eval(APPEND_RESULT, 2, k.job(jobId), k.partial(jobId), attemptId, piece),
    );
    return appended === 1;
  }

  /** The job's record regardless of owner (worker and relay use; HTTP goes through {@link getOwned}). */
  async read(jobId: string): Promise<JobRecord | undefined> {
    return toRecord(await this.redis.hgetall(this.keys.job(jobId)));
  }

  /** The job when `userId` owns it; another user's job answers like a missing one. */
  async getOwned(userId: string, jobId: string): Promise<JobRecord | undefined> {
    const record = await this.read(jobId);
    return record && record.userId === userId ? record : undefined;
  }

  /** One page of the user's jobs, newest first, with the total count; expired jobs are in neither. */
  async list(userId: string, offset: number, limit: number): Promise<JobPage> {
    const k = this.keys;
    const [total, ...hashes] = (await this.redis.eval(
      LIST_JOBS,
      2,
      k.userJobs(userId),
      k.userExpiry(userId),
      offset,
      limit,
      k.jobPrefix,
    )) as [number, ...string[][]];
    const jobs: Job[] = [];
    for (const flat of hashes) {
      const hash: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
      const record = toRecord(hash);
      if (record) jobs.push(toPublicJob(record));
    }
    return { jobs, total };
  }

  /** The job's input, gzipped, piece by piece. */
  inputPieces(jobId: string): AsyncGenerator<Buffer> {
    return readPieces(this.redis, this.keys.input(jobId));
  }

  /** The job's result, gzipped, piece by piece. */
  resultPieces(jobId: string): AsyncGenerator<Buffer> {
    return readPieces(this.redis, this.keys.result(jobId));
  }

  /** Whether the job's result is stored (from success until the job expires). */
  async hasResult(jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.result(jobId))) === 1;
  }

  /**
   * How the job's input is stored: as record pieces, as the plain CSV text versions before this one
   * stored (which the worker no longer reads), or not at all (it is deleted when the job ends).
   */
  async inputKind(jobId: string): Promise<'pieces' | 'plain' | 'none'> {
    const type = await this.redis.type(this.keys.input(jobId));
    return type === 'list' ? 'pieces' : type === 'string' ? 'plain' : 'none';
  }

  /** Ids of jobs not yet terminal whose last change is older than `idleMs`. */
  async idleOpenJobs(idleMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.openJobs, 0, this.now() - idleMs);
  }
}
