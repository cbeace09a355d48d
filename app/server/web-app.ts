/**
 * Builds the web server's fastify instance from its dependencies (no globals, no env reads), so
 * tests and `main.ts` compose it the same way. Listening and signals belong to `main.ts`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { QueueJobData } from '../queue.js';
import type { JobStore } from '../store/job-store.js';
import { UploadRateLimit } from '../store/upload-rate-limit.js';
import { corsOptions } from './cors.js';
import { makeErrorHandler, sendError } from './error-handler.js';
import { loggerOptions } from './logger.js';
import type { WebMetrics } from './metrics.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerPageRoutes } from './routes/page.js';
import { registerSystemRoutes } from './routes/system.js';
import { CSV_CONTENT_TYPES } from './upload.js';
import { applySecurityHeaders } from './security-headers.js';
import { UploadSlots } from './upload-slots.js';
import { LargeRecordGate } from '../large-record-gate.js';

export interface WebAppDeps {
  readonly config: Config;
  readonly redis: Redis;
  readonly store: JobStore;
  readonly queue: Queue<QueueJobData>;
  readonly metrics: WebMetrics;
}

export async function buildWebApp(deps: WebAppDeps): Promise<FastifyInstance> {
  const { config, redis, metrics } = deps;
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    bodyLimit: config.maxUploadBytes,
    // Only the proxies TRUST_PROXY names may set the client address (logs) and the scheme (HSTS).
    trustProxy: typeof config.trustProxy === 'boolean' ? config.trustProxy : [...config.trustProxy],
    return503OnClosing: true,
    routerOptions: {
      // Job ids are checked (UUID or 404) by the routes; a longer parameter must get that same 404,
      // not fastify's 414. 16 KiB is above what Node accepts for a whole request line anyway.
      // (Under routerOptions: the top-level option is deprecated, FSTDEP022.)
      maxParamLength: 16_384,
    },
    // A URL that cannot be decoded (`/jobs/%zz`) names no route: the contract's 404, in its JSON body.
    frameworkErrors: (error, request, reply) => {
      request.log.debug({ code: error.code }, 'unroutable request');
      sendError(
        reply,
        new AppError('NOT_FOUND', 'No such route or job: the URL could not be decoded. Check the address.'),
      );
    },
  });
  const isRedisUp = (): boolean => redis.status === 'ready';

  app.setErrorHandler(makeErrorHandler(isRedisUp, config.maxUploadBytes));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}. See the README for the API.`),
    ),
  );
  app.addHook('onSend', async (request, reply) => applySecurityHeaders(request, reply));
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({
      route: request.routeOptions.url ?? 'unknown',
      method: request.method,
      status: String(reply.statusCode),
    });
  });

  // Before every route, so preflights (no Authorization) are answered ahead of authentication.
  await app.register(cors, corsOptions(config.allowedOrigins));
  // A CSV body is the raw stream: the upload route validates and stores it as it arrives, so no
  // whole file is ever held (fastify's own parsers would buffer it).
  app.addContentTypeParser(CSV_CONTENT_TYPES, (_request, payload, done) => done(null, payload));
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes, files: 1, fields: 5 } });

  registerSystemRoutes(app, { redis, metrics, enableWebsocket: config.enableWebsocket });
  const slots = new UploadSlots(config.uploadConcurrency);
  // The job routes in a scope of their own (fastify encapsulation): their hooks stay theirs.
  await app.register((scope, _options, done) => {
    registerJobRoutes(scope, {
      store: deps.store,
      queue: deps.queue,
      metrics,
      slots,
      largeRecords: new LargeRecordGate(),
      jwtSecret: config.jwtSecret,
      maxUploadBytes: config.maxUploadBytes,
      maxRows: config.maxRows,
      uploadRate: new UploadRateLimit(redis, deps.store.keys, { perWindow: config.uploadsPerMinute }),
    });
    done();
  });
  registerPageRoutes(app);
  return app;
}
