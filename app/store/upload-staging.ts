/**
 * An upload on its way into the store: room is held for it before it streams in, its file is staged
 * piece by piece under an upload id, and then it either becomes a job's input (JobStore.create) or is
 * abandoned, leaving nothing behind. A web process that dies mid-upload leaves a staged file and a
 * reservation that both lapse after {@link UPLOAD_DEADLINE_MS}.
 */
import type { Redis } from 'ioredis';
import { ADMISSION_MEMORY_FRACTION, type CapacityRefusal } from '../domain/capacity.js';
import type { RedisKeys } from '../domain/redis-keys.js';
import { ADMIT_UPLOAD, STAGE_PIECE } from './capacity-scripts.js';
import { parseRefusal } from './capacity-reply.js';
import { isOutOfMemory, refusalAsDependencyDown } from './redis-refusal.js';

/** The longest an upload may take to stream in before its staged file and its room lapse. */
export const UPLOAD_DEADLINE_MS = 3_600_000;

export class UploadStaging {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly maxOpenJobs: number,
    /** Tests shorten it. */
    private readonly deadlineMs = UPLOAD_DEADLINE_MS,
  ) {}

  /**
   * Holds `needBytes` of room for upload `uploadId`, or answers why there is none. A Redis already
   * past its `maxmemory` refuses the admission itself: that too is "no room".
   */
  async admit(uploadId: string, needBytes: number): Promise<'admitted' | CapacityRefusal> {
    const k = this.keys;
    const reply = (await this.redis
      .eval(
        ADMIT_UPLOAD,
        3,
        k.openJobs,
        k.uploadReservations,
        k.retainedJobs,
        uploadId,
        needBytes,
        this.deadlineMs,
        this.maxOpenJobs,
        ADMISSION_MEMORY_FRACTION,
        k.jobPrefix,
      )
      .catch((error: unknown) => {
        if (isOutOfMemory(error)) return ['memory', 0, 0, 0, needBytes, 0, 0, -1];
        return refusalAsDependencyDown(() => Promise.reject(error));
      })) as unknown[];
    return reply[0] === 'ok' ? 'admitted' : parseRefusal(reply);
  }

  /**
   * Appends one gzipped piece to the staged file and holds `reserveBytes` for the rest of the upload
   * from now on (the staged file's lapse is pushed back each time). Throws Redis's refusal (`OOM`).
   */
  async append(uploadId: string, piece: Buffer, reserveBytes: number): Promise<void> {
    await this.redis.eval(
      STAGE_PIECE,
      2,
      this.keys.upload(uploadId),
      this.keys.uploadReservations,
      uploadId,
      piece,
      reserveBytes,
      this.deadlineMs,
    );
  }

  /** Drops the staged file and the room held: a refused upload leaves nothing behind. */
  async abandon(uploadId: string): Promise<void> {
    await this.redis.multi().del(this.keys.upload(uploadId)).hdel(this.keys.uploadReservations, uploadId).exec();
  }
}
