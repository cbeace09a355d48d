/** The authenticated jobs API: upload, list, read, progress, result. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queue } from 'bullmq';
import { AppError } from '../../errors.js';
import { isJobId } from '../../domain/job.js';
import { JOB_NOT_FOUND_MESSAGE } from '../../domain/wire-contract.js';
import type { QueueJobData } from '../../queue.js';
import { toPublicJob, type JobRecord, type JobStore } from '../../store/job-store.js';
import type { UploadRateLimit } from '../../store/upload-rate-limit.js';
import { bearerToken, verifyToken } from '../../auth/tokens.js';
import type { WebMetrics } from '../metrics.js';
import type { UploadSlots } from '../upload-slots.js';
import type { LargeRecordGate } from '../../large-record-gate.js';
import '../request-user.js';
import { parsePage } from '../pagination.js';
import { registerResultRoute } from './result-route.js';
import { registerUploadRoute } from './upload-route.js';

export interface JobRouteOptions {
  readonly store: JobStore;
  readonly queue: Queue<QueueJobData>;
  readonly metrics: WebMetrics;
  readonly slots: UploadSlots;
  readonly largeRecords: LargeRecordGate;
  readonly jwtSecret: string;
  readonly maxUploadBytes: number;
  readonly maxRows: number;
  /** UPLOADS_PER_MINUTE, shared by every web process. */
  readonly uploadRate: UploadRateLimit;
}

export function registerJobRoutes(app: FastifyInstance, options: JobRouteOptions): void {
  const { store } = options;
  // Authenticate before the body is read, so an anonymous 10 MiB upload costs nothing. Register this
  // function inside its own plugin scope: the hook then guards these routes only.
  app.addHook('onRequest', async (request) => {
    request.userId = await verifyToken(options.jwtSecret, bearerToken(request.headers.authorization));
  });

  /** The job when the caller owns it; unknown, malformed, not-owned and expired ids answer the same 404. */
  const ownedJob = async (request: FastifyRequest): Promise<JobRecord> => {
    const { id } = request.params as { id: string };
    const record = isJobId(id) ? await store.getOwned(request.userId, id) : undefined;
    if (!record) throw new AppError('NOT_FOUND', JOB_NOT_FOUND_MESSAGE);
    return record;
  };

  registerUploadRoute(app, options);

  app.get('/jobs', async (request) => {
    const { offset, limit } = parsePage(request.query as Record<string, unknown>);
    const page = await store.list(request.userId, offset, limit);
    return { jobs: page.jobs, total: page.total, offset, limit };
  });

  app.get('/jobs/:id', async (request) => toPublicJob(await ownedJob(request)));

  app.get('/jobs/:id/progress', async (request, reply) => {
    const record = await ownedJob(request);
    // The stored text itself: identical to the Redis message and WebSocket frame of this seq.
    return reply.type('application/json; charset=utf-8').send(record.progressText);
  });

  registerResultRoute(app, store, ownedJob);
}
