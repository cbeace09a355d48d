/**
 * `GET /jobs/{id}/result`: the result CSV, streamed piece by piece from the store. It is stored
 * gzipped, so a client that accepts gzip gets those bytes as they are (`Content-Encoding: gzip`);
 * any other client gets them unzipped on the way out. Either way `text/csv`.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { JobRecord, JobStore } from '../../store/job-store.js';
import { acceptsGzip } from '../accept-encoding.js';

/** The job of `request`'s `:id` when the caller owns it; any other id answers `404`. */
export type OwnedJob = (request: FastifyRequest) => Promise<JobRecord>;

export function registerResultRoute(app: FastifyInstance, store: JobStore, ownedJob: OwnedJob): void {
  app.get('/jobs/:id/result', async (request, reply) => {
    const record = await ownedJob(request);
    if (record.status !== 'succeeded' || !(await store.hasResult(record.id))) {
      throw new AppError('RESULT_NOT_READY', `The job is ${record.status}; the result exists once it has succeeded.`);
    }
    const name = record.filename.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_') || 'result';
    reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${name}-personalized.csv"`)
      .header('Vary', 'Accept-Encoding');
    return sendPieces(
      reply,
      Readable.from(store.resultPieces(record.id)),
      acceptsGzip(request.headers['accept-encoding']),
    );
  });
}

function sendPieces(reply: FastifyReply, gzipped: Readable, asGzip: boolean): FastifyReply {
  if (asGzip) return reply.header('Content-Encoding', 'gzip').send(gzipped);
  const plain = createGunzip();
  // A failure mid-way (the result expired while it was read) ends the response early; fastify logs it.
  pipeline(gzipped, plain).catch((error: unknown) => plain.destroy(error as Error));
  return reply.send(plain);
}
