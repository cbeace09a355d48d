/**
 * The storage arithmetic of admission: how many Redis bytes an upload and its job may take at most,
 * how much of `maxmemory` admissions may promise, and what `Retry-After` a refusal carries. Pure; the
 * store's admission script applies these numbers atomically, and infra/k8s/sizing.ts uses the same
 * ones to check that the manifests' sizes fit together.
 */

/**
 * Largest piece of a stored file (input or result) in one Redis list element. 64 KiB minus room for
 * Redis's own string header keeps each piece in jemalloc's 64 KiB size class; one byte over would
 * cost 80 KiB (measured: 25 % more memory).
 */
export const CHUNK_BYTES = 65_536 - 128;

/** Redis memory per stored piece beyond its bytes (list node, allocation rounding), with margin. */
export const CHUNK_OVERHEAD_BYTES = 1_024;

/**
 * Redis memory of one job beyond its files: the record hash (about 1.3 KB measured), the index
 * entries, BullMQ's job hash and its events.
 */
export const JOB_OVERHEAD_BYTES = 16_384;

/**
 * The share of `maxmemory` that admitted uploads and jobs may fill. The rest is for what is written
 * without a reservation: progress states, BullMQ's events, rate-limit counters, client buffers.
 */
export const ADMISSION_MEMORY_FRACTION = 0.9;

/**
 * The most bytes gzip may produce for `bytes` of input that does not compress: deflate falls back to
 * stored blocks of kilobytes with 5 bytes of framing each, plus the gzip header and trailer. zlib's
 * `deflateBound` is tighter (0.03 %); one byte per KiB leaves margin for a stream written in many calls.
 */
export function gzipBound(bytes: number): number {
  return bytes + Math.ceil(bytes / 1_024) + 64;
}

/** Redis memory for `bytes` stored as a list of {@link CHUNK_BYTES} pieces. */
export function storedBytes(bytes: number): number {
  return bytes + Math.max(1, Math.ceil(bytes / CHUNK_BYTES)) * CHUNK_OVERHEAD_BYTES;
}

/** What an upload has received but not stored yet: a piece being filled, gzip's own buffers. */
export const STAGING_SLACK_BYTES = 2 * CHUNK_BYTES + 256 * 1024;

/**
 * Room an upload holds for the part of it not stored yet, `remainingBytes` of CSV: stored as record
 * lines (at most twice as long, app/domain/record-lines.ts), gzipped, whatever the content (random
 * bytes do not compress). It shrinks as pieces are stored (they then count in Redis's used memory)
 * and is released when the job is created or the upload refused.
 */
export function uploadReservationBytes(remainingBytes: number): number {
  return storedBytes(gzipBound(2 * remainingBytes)) + STAGING_SLACK_BYTES;
}

/**
 * Room a job holds from `201` to its terminal state: its result gzipped, at most `resultBytesBound`
 * before compression, and its record. The input is already stored (and counted) by then.
 */
export function jobReservationBytes(resultBytesBound: number): number {
  return storedBytes(gzipBound(resultBytesBound)) + JOB_OVERHEAD_BYTES;
}

/** Why an upload was refused for capacity, with the figures the answer and the log line show. */
export type CapacityRefusal =
  | {
      readonly reason: 'memory';
      readonly usedBytes: number;
      readonly limitBytes: number;
      readonly reservedBytes: number;
      readonly neededBytes: number;
      readonly openJobs: number;
      readonly uploadsInFlight: number;
      /** Milliseconds until the next finished job expires and frees its room; undefined when none is stored. */
      readonly nextExpiryMs: number | undefined;
    }
  | { readonly reason: 'backlog'; readonly openJobs: number; readonly maxOpenJobs: number }
  | { readonly reason: 'uploads'; readonly uploadsInFlight: number; readonly uploadConcurrency: number };

/** A client asked to wait longer than this re-asks then, rather than trusting a guess for hours. */
export const MAX_RETRY_AFTER_SECONDS = 3_600;

/**
 * The `Retry-After` of a refusal, in whole seconds. Room held by running work frees within seconds;
 * room held by finished jobs frees when the next one expires (JOB_RETENTION_SECONDS after it ended).
 */
export function retryAfterSeconds(refusal: CapacityRefusal): number {
  switch (refusal.reason) {
    case 'uploads':
      return 2;
    case 'backlog':
      return 30;
    case 'memory': {
      if (refusal.openJobs > 0 || refusal.uploadsInFlight > 0) return 10;
      if (refusal.nextExpiryMs === undefined) return 60;
      return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(refusal.nextExpiryMs / 1_000)));
    }
  }
}

/** The message of a `CAPACITY_EXCEEDED` answer: what is full and when to try again. */
export function capacityMessage(refusal: CapacityRefusal, retryAfter: number): string {
  const what =
    refusal.reason === 'memory'
      ? 'the service is storing too much right now'
      : refusal.reason === 'backlog'
        ? `the service has ${refusal.openJobs} jobs waiting or running, its limit`
        : 'the service is receiving as many uploads as it can at once';
  return `The upload was not accepted: ${what}. Nothing was stored; retry in ${retryAfter} s.`;
}
