/** The authenticated jobs API: upload, list, read, progress, result. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queue } from 'bullmq';
import { AppError } from '../../errors.js';
import { isJobId } from '../../domain/job.js';
import { parseCsv } from '../../domain/csv-file.js';
import { enqueueJob, type QueueJobData } from '../../queue.js';
import { toPublicJob, type JobRecord, type JobStore } from '../../store/job-store.js';
import type { UploadRateLimit } from '../../store/upload-rate-limit.js';
import { bearerToken, verifyToken } from '../../auth/tokens.js';
import { readUpload } from '../upload.js';
import '../request-user.js';
import { parsePage } from '../pagination.js';

export interface JobRouteOptions {
  readonly store: JobStore;
  readonly queue: Queue<QueueJobData>;
  readonly jwtSecret: string;
  readonly maxUploadBytes: number;
  readonly maxRows: number;
  /** UPLOADS_PER_MINUTE, shared by every web process. */
  readonly uploadRate: UploadRateLimit;
}

const NOT_FOUND_MESSAGE = 'No such job. Check the id; jobs are visible only to the user who uploaded them.';

export function registerJobRoutes(app: FastifyInstance, options: JobRouteOptions): void {
  const { store } = options;
  // Authenticate before the body is read, so an anonymous 10 MiB upload costs nothing. Register this
  // function inside its own plugin scope: the hook then guards these routes only.
  app.addHook('onRequest', async (request) => {
    request.userId = await verifyToken(options.jwtSecret, bearerToken(request.headers.authorization));
  });
  const userOf = (request: FastifyRequest): string => request.userId;

  /** The job when the caller owns it; unknown, malformed and not-owned ids answer the same 404. */
  const ownedJob = async (request: FastifyRequest): Promise<JobRecord> => {
    const userId = userOf(request);
    const { id } = request.params as { id: string };
    const record = isJobId(id) ? await store.getOwned(userId, id) : undefined;
    if (!record) throw new AppError('NOT_FOUND', NOT_FOUND_MESSAGE);
    return record;
  };

  app.post('/jobs', async (request, reply) => {
    const userId = userOf(request);
    const upload = await readUpload(request, options.maxUploadBytes);
    const table = parseCsv(upload.bytes, { maxRows: options.maxRows });
    await options.uploadRate.admit(userId);
    const record = await store.create({
      userId,
      filename: upload.filename,
      inputCsv: upload.bytes.toString('utf8'),
      total: table.rows.length,
    });
    try {
      await enqueueJob(options.queue, record.id);
    } catch (error) {
      // The record exists but no worker will see it: end it now so it never stays queued.
      await store.transition(record.id, { status: 'failed', processed: 0, total: record.total,
        error: 'The job could not be queued. Upload the file again.' }).catch(() => undefined);
      request.log.warn({ jobId: record.id, err: (error as Error).message }, 'enqueue failed');
      throw new AppError('DEPENDENCY_DOWN', 'The job queue (Redis) is unreachable. Try the upload again in a few seconds.');
    }
    request.log.info({ jobId: record.id, rows: record.total }, `Job ${record.id} queued`);
    return reply.code(201).send(toPublicJob(record));
  });

  app.get('/jobs', async (request) => {
    const userId = userOf(request);
    const { offset, limit } = parsePage(request.query as Record<string, unknown>);
    const page = await store.list(userId, offset, limit);
    return { jobs: page.jobs, total: page.total, offset, limit };
  });

  app.get('/jobs/:id', async (request) => toPublicJob(await ownedJob(request)));

  app.get('/jobs/:id/progress', async (request, reply) => {
    const record = await ownedJob(request);
    // The stored text itself: identical to the Redis message and WebSocket frame of this seq.
    return reply.type('application/json; charset=utf-8').send(record.progressText);
  });

  app.get('/jobs/:id/result', async (request, reply) => {
    const record = await ownedJob(request);
    const result = record.status === 'succeeded' ? await store.readResult(record.id) : undefined;
    if (result === undefined) {
      throw new AppError('RESULT_NOT_READY', `The job is ${record.status}; the result exists once it has succeeded.`);
    }
    const name = record.filename.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_') || 'result';
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${name}-personalized.csv"`)
      .send(result);
  });
}
