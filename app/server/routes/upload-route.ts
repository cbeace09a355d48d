/**
 * `POST /jobs`: an upload, admitted only with room to finish. In order: the content type (`415`) and
 * a declared size over the limit (`413`); a free upload slot and room in the store for the file
 * (`503 CAPACITY_EXCEEDED`); the body, validated and staged as it streams (`400`, `413`, `422`);
 * the user's rate (`429`); room for the result (`503 CAPACITY_EXCEEDED`); then `201`. Whatever the
 * answer, a refused upload leaves nothing stored.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Queue } from 'bullmq';
import { jobReservationBytes, uploadReservationBytes } from '../../domain/capacity.js';
import { AppError } from '../../errors.js';
import { enqueueJob, type QueueJobData } from '../../queue.js';
import { toPublicJob, type JobRecord, type JobStore } from '../../store/job-store.js';
import { refusalCode, StoreRefusal } from '../../store/redis-refusal.js';
import { capacityExceeded } from '../capacity-answer.js';
import type { WebMetrics } from '../metrics.js';
import { isBodyCutShort, openUpload, type UploadBody } from '../upload.js';
import { takeInUpload } from '../upload-intake.js';
import type { UploadSlots } from '../upload-slots.js';
import type { UploadRateLimit } from '../../store/upload-rate-limit.js';
import type { LargeRecordGate } from '../../large-record-gate.js';
import '../request-user.js';

export interface UploadRouteOptions {
  readonly store: JobStore;
  readonly queue: Queue<QueueJobData>;
  readonly metrics: WebMetrics;
  readonly slots: UploadSlots;
  readonly largeRecords: LargeRecordGate;
  readonly maxUploadBytes: number;
  readonly maxRows: number;
  /** UPLOADS_PER_MINUTE, shared by every web process. */
  readonly uploadRate: UploadRateLimit;
}

export function registerUploadRoute(app: FastifyInstance, options: UploadRouteOptions): void {
  app.post('/jobs', async (request, reply) => {
    const body = await openUpload(request, options.maxUploadBytes);
    const release = await options.slots.take();
    if (!release) {
      throw capacityExceeded(
        { reason: 'uploads', uploadsInFlight: options.slots.inUse, uploadConcurrency: options.slots.limit },
        options.metrics,
        request.log,
      );
    }
    try {
      const record = await admitAndCreate(request, reply, body, options);
      return reply.code(201).send(toPublicJob(record));
    } finally {
      release();
    }
  });
}

async function admitAndCreate(
  request: FastifyRequest,
  reply: FastifyReply,
  body: UploadBody,
  options: UploadRouteOptions,
): Promise<JobRecord> {
  const { store } = options;
  const uploadId = randomUUID();
  const declared = Number(request.headers['content-length']);
  const size =
    Number.isFinite(declared) && declared > 0 ? Math.min(declared, options.maxUploadBytes) : options.maxUploadBytes;
  const admission = await store.staging.admit(uploadId, uploadReservationBytes(size));
  if (admission !== 'admitted') throw capacityExceeded(admission, options.metrics, request.log);
  let created: JobRecord | undefined;
  try {
    const summary = await takeInUpload(body, {
      maxBytes: options.maxUploadBytes,
      maxRows: options.maxRows,
      largeRecords: options.largeRecords,
      stagePiece: (piece, received) =>
        store.staging.append(uploadId, piece, uploadReservationBytes(Math.max(0, size - received))),
    }).catch((error: unknown) => {
      // Fastify closes the connection after its own body-limit 413: the rest of the body is unread.
      if (isBodyCutShort(body, error)) reply.header('connection', 'close');
      throw storeRefusalAsAnswer(error, request, options);
    });
    await options.uploadRate.admit(request.userId).catch((error: unknown) => {
      throw storeRefusalAsAnswer(error, request, options);
    });
    const outcome = await store
      .create({
        userId: request.userId,
        filename: body.filename,
        uploadId,
        total: summary.rows,
        reserveBytes: jobReservationBytes(summary.resultBytesBound),
      })
      .catch((error: unknown) => {
        throw storeRefusalAsAnswer(error, request, options);
      });
    if ('refused' in outcome) throw capacityExceeded(outcome.refused, options.metrics, request.log);
    if ('lost' in outcome)
      throw new AppError(
        'DEPENDENCY_DOWN',
        'The uploaded file was not kept long enough to create its job. Upload it again.',
      );
    created = outcome.created;
  } finally {
    if (!created)
      await store.staging
        .abandon(uploadId)
        .catch((error: unknown) =>
          request.log.warn(
            { uploadId, err: (error as Error).message },
            'could not drop a refused upload; it expires by itself',
          ),
        );
  }
  await enqueueOrFail(request, options, created);
  return created;
}

/**
 * Redis refusing a staged piece or the job's creation (admission held room, so someone else filled
 * Redis): out of memory is the capacity answer, another refusal an outage (`503 DEPENDENCY_DOWN`).
 */
function storeRefusalAsAnswer(error: unknown, request: FastifyRequest, options: UploadRouteOptions): unknown {
  const code = error instanceof StoreRefusal ? error.refusal : refusalCode(error);
  if (code === undefined) return error;
  if (code !== 'OOM') return new StoreRefusal(code);
  return capacityExceeded(
    {
      reason: 'memory',
      usedBytes: 0,
      limitBytes: 0,
      reservedBytes: 0,
      neededBytes: 0,
      openJobs: 0,
      uploadsInFlight: options.slots.inUse,
      nextExpiryMs: undefined,
    },
    options.metrics,
    request.log,
  );
}

async function enqueueOrFail(request: FastifyRequest, options: UploadRouteOptions, record: JobRecord): Promise<void> {
  try {
    await enqueueJob(options.queue, record.id);
  } catch (error) {
    // The record exists but no worker will see it: end it now so it never stays queued.
    await options.store
      .transition(record.id, {
        status: 'failed',
        processed: 0,
        total: record.total,
        error: 'The job could not be queued. Upload the file again.',
      })
      .catch(() => undefined);
    request.log.warn({ jobId: record.id, err: (error as Error).message }, 'enqueue failed');
    throw new AppError(
      'DEPENDENCY_DOWN',
      'The job queue (Redis) is unreachable. Try the upload again in a few seconds.',
    );
  }
  request.log.info({ jobId: record.id, rows: record.total }, `Job ${record.id} queued`);
}
