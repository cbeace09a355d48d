/**
 * Sizes that add up, in one place: the memory limits of the three containers, the worker's
 * WORKER_CONCURRENCY, the web server's MAX_UPLOAD_BYTES and UPLOAD_CONCURRENCY, and Redis's
 * `maxmemory`. The charts take these numbers from the resolved options, and `npm run synth` refuses
 * a combination whose arithmetic does not hold, naming the numbers ({@link sizingProblems}).
 *
 * The arithmetic ({@link sizingArithmetic} writes it out for any combination; docs/capacity.md#sizing has
 * the defaults):
 *
 * - web, max-size load: idle + UPLOAD_CONCURRENCY × per max-size upload ≤ 75 % of the limit.
 * - web, large records: idle + uploads whose records are as large as the file itself (they take
 *   turns, app/large-record-gate.ts) ≤ the limit.
 * - rq-worker, the same two with WORKER_CONCURRENCY max-size jobs.
 * - redis fork: `maxmemory` ≤ half the limit (an append-only-file rewrite forks; copy-on-write may
 *   touch every page).
 * - redis room: of what admission may promise (90 % of `maxmemory`, app/domain/capacity.ts) less
 *   Redis's own memory, WORKER_CONCURRENCY max-size jobs holding room for their results and one
 *   max-size upload streaming in must leave room to retain at least
 *   {@link MIN_RETAINED_MAX_SIZE_JOBS} finished max-size jobs; beyond that, uploads answer
 *   `503 CAPACITY_EXCEEDED` until JOB_RETENTION_SECONDS frees room.
 *
 * "75 %" is the headroom kept under a limit at the heaviest ordinary load: room for the heap to grow
 * before the next collection, and for what was not measured.
 */
import { CONFIG_DEFAULTS } from '../../app/config.js';
import { ADMISSION_MEMORY_FRACTION, jobReservationBytes, uploadReservationBytes } from '../../app/domain/capacity.js';

const MiB = 1024 * 1024;

/** What the arithmetic is about; each field is a synth option (infra/k8s/options.ts). */
export interface SizingInputs {
  readonly maxUploadBytes: number;
  readonly uploadConcurrency: number;
  readonly workerConcurrency: number;
  readonly webMemoryLimitMiB: number;
  readonly workerMemoryLimitMiB: number;
  readonly redisMemoryLimitMiB: number;
  readonly redisMaxMemoryMiB: number;
}

/**
 * Measured with `npm run bench -- --capacity` (compiled build, Node 24, the manifests' NODE_OPTIONS,
 * max-size files of 50,000 rows and 10 MiB): peak RSS (VmHWM) per process and what Redis holds.
 * Per-upload and per-job figures are the increase over idle divided by how many ran at once.
 */
export const MEASURED = {
  /** The web server's peak RSS once started, before any request. */
  webIdleMiB: 100,
  /** Peak RSS each max-size upload streaming in adds (8 at once: 131 MiB). */
  webPerUploadMiB: 4,
  /** Peak RSS per MiB of upload when uploads are one record each (8 at once, 10 MiB each: 221 MiB). */
  webLargeRecordMiBPerMiB: 12,
  /** The worker's peak RSS once started. */
  workerIdleMiB: 82,
  /** Peak RSS each max-size job running adds (2 at once: 111 MiB). */
  workerPerJobMiB: 15,
  /** Peak RSS per MiB of upload when jobs are one record each (8 jobs, 2 at once: 182 MiB). */
  workerLargeRecordMiBPerMiB: 10,
  /** Redis's own memory: an empty server, BullMQ's queue and events. */
  redisIdleMiB: 3,
  /** The result bound of the benchmark's max-size file is 1.94 × its size (app/domain/result-size.ts). */
  maxSizeResultBoundRatio: 2,
  /** A finished max-size job keeps its gzipped result (27 % of the upload) and its record. */
  maxSizeRetainedRatio: 0.3,
} as const;

/** The share of a memory limit a process may peak at under the heaviest ordinary load. */
export const PEAK_RSS_SHARE = 0.75;

/** Redis's `maxmemory` may be at most this share of its limit (fork on AOF rewrite). */
export const REDIS_MAXMEMORY_SHARE = 0.5;

/** The store must retain at least this many finished max-size jobs before it refuses uploads. */
export const MIN_RETAINED_MAX_SIZE_JOBS = 10;

/** V8's young generation per semispace: measured to cut the worker's peak by a third at the same CPU. */
export const NODE_SEMI_SPACE_MB = 8;

/** The defaults: what the manifests run with when nothing is overridden. */
export const defaultSizing: SizingInputs = Object.freeze({
  maxUploadBytes: CONFIG_DEFAULTS.maxUploadBytes,
  uploadConcurrency: CONFIG_DEFAULTS.uploadConcurrency,
  workerConcurrency: CONFIG_DEFAULTS.workerConcurrency,
  webMemoryLimitMiB: 256,
  workerMemoryLimitMiB: 256,
  redisMemoryLimitMiB: 256,
  redisMaxMemoryMiB: 128,
});

/** One step of the arithmetic: the sum written out, and whether it holds. */
export interface SizingLine {
  readonly what: string;
  readonly arithmetic: string;
  readonly holds: boolean;
  /** What to change when it does not hold. */
  readonly remedy: string;
}

const mib = (bytes: number): number => Math.ceil(bytes / MiB);

/** The arithmetic for `inputs`, line by line. */
export function sizingArithmetic(inputs: SizingInputs): SizingLine[] {
  const upload = mib(inputs.maxUploadBytes);
  const web = {
    what: 'web',
    limit: inputs.webMemoryLimitMiB,
    idle: MEASURED.webIdleMiB,
    remedy: 'lower UPLOAD_CONCURRENCY or MAX_UPLOAD_BYTES, or raise WEB_MEMORY_LIMIT',
  };
  const worker = {
    what: 'rq-worker',
    limit: inputs.workerMemoryLimitMiB,
    idle: MEASURED.workerIdleMiB,
    remedy: 'lower WORKER_CONCURRENCY or MAX_UPLOAD_BYTES, or raise WORKER_MEMORY_LIMIT',
  };
  const room = redisRoom(inputs);
  return [
    peakLine(
      web,
      `${inputs.uploadConcurrency} max-size uploads × ${MEASURED.webPerUploadMiB} MiB`,
      inputs.uploadConcurrency * MEASURED.webPerUploadMiB,
      PEAK_RSS_SHARE,
    ),
    peakLine(
      web,
      `uploads of one ${upload} MiB record × ${MEASURED.webLargeRecordMiBPerMiB}`,
      upload * MEASURED.webLargeRecordMiBPerMiB,
      1,
    ),
    peakLine(
      worker,
      `${inputs.workerConcurrency} max-size jobs × ${MEASURED.workerPerJobMiB} MiB`,
      inputs.workerConcurrency * MEASURED.workerPerJobMiB,
      PEAK_RSS_SHARE,
    ),
    peakLine(
      worker,
      `jobs of one ${upload} MiB record × ${MEASURED.workerLargeRecordMiBPerMiB}`,
      upload * MEASURED.workerLargeRecordMiBPerMiB,
      1,
    ),
    {
      what: 'redis fork',
      arithmetic: `maxmemory ${inputs.redisMaxMemoryMiB} MiB ≤ ${percent(REDIS_MAXMEMORY_SHARE)} of the ${inputs.redisMemoryLimitMiB}Mi limit (${Math.floor(inputs.redisMemoryLimitMiB * REDIS_MAXMEMORY_SHARE)} MiB)`,
      holds: inputs.redisMaxMemoryMiB <= inputs.redisMemoryLimitMiB * REDIS_MAXMEMORY_SHARE,
      remedy: 'lower REDIS_MAXMEMORY or raise REDIS_MEMORY_LIMIT',
    },
    {
      what: 'redis room',
      arithmetic:
        `${percent(ADMISSION_MEMORY_FRACTION)} of maxmemory ${inputs.redisMaxMemoryMiB} MiB − ${MEASURED.redisIdleMiB} MiB idle = ${room.usable} MiB; ` +
        `in flight ${inputs.workerConcurrency} jobs × ${room.job} MiB + 1 upload × ${room.upload} MiB = ${room.inFlight} MiB; ` +
        `retained (${room.usable} − ${room.inFlight}) / ${room.retainedEach} MiB = ${room.retained} max-size jobs ≥ ${MIN_RETAINED_MAX_SIZE_JOBS}`,
      holds: room.retained >= MIN_RETAINED_MAX_SIZE_JOBS,
      remedy: 'raise REDIS_MAXMEMORY (and REDIS_MEMORY_LIMIT), or lower WORKER_CONCURRENCY or MAX_UPLOAD_BYTES',
    },
  ];
}

/** The lines that do not hold, as problems for `npm run synth`. */
export function sizingProblems(inputs: SizingInputs): string[] {
  return sizingArithmetic(inputs)
    .filter((line) => !line.holds)
    .map((line) => `sizing: ${line.what}: ${line.arithmetic} does not hold; ${line.remedy}`);
}

/** Redis's room in MiB: usable, held by work in flight, and how many finished max-size jobs fit beside. */
export function redisRoom(inputs: SizingInputs): {
  usable: number;
  job: number;
  upload: number;
  inFlight: number;
  retainedEach: number;
  retained: number;
} {
  const usable = Math.floor(inputs.redisMaxMemoryMiB * ADMISSION_MEMORY_FRACTION) - MEASURED.redisIdleMiB;
  const job = mib(jobReservationBytes(MEASURED.maxSizeResultBoundRatio * inputs.maxUploadBytes));
  const upload = mib(uploadReservationBytes(inputs.maxUploadBytes));
  const inFlight = inputs.workerConcurrency * job + upload;
  const retainedEach = Math.max(1, Math.ceil(MEASURED.maxSizeRetainedRatio * mib(inputs.maxUploadBytes)));
  return { usable, job, upload, inFlight, retainedEach, retained: Math.floor((usable - inFlight) / retainedEach) };
}

function peakLine(
  process: { what: string; limit: number; idle: number; remedy: string },
  load: string,
  loadMiB: number,
  share: number,
): SizingLine {
  const peak = process.idle + loadMiB;
  const budget = Math.floor(process.limit * share);
  return {
    what: process.what,
    arithmetic: `${process.idle} MiB idle + ${load} = ${peak} MiB ≤ ${percent(share)} of the ${process.limit}Mi limit (${budget} MiB)`,
    holds: peak <= budget,
    remedy: process.remedy,
  };
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/**
 * NODE_OPTIONS of an app container: V8's old space capped at 5/8 of the limit (V8 sizes its heap from
 * the node's memory, not the container's), its young generation at {@link NODE_SEMI_SPACE_MB}.
 */
export function nodeOptionsFor(limitMiB: number): string {
  return `--max-semi-space-size=${NODE_SEMI_SPACE_MB} --max-old-space-size=${Math.floor(limitMiB * 0.625)}`;
}
