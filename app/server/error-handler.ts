/**
 * Turns every failure into the contract's JSON error body. Expected failures are {@link AppError}s;
 * fastify's own (body too large, bad content type) are translated; a Redis outage becomes `503`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, CapacityExceeded, errorBody } from '../errors.js';

export function toAppError(error: unknown, isRedisUp: () => boolean, maxUploadBytes: number): AppError {
  if (error instanceof AppError) return error;
  const code = (error as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || code === 'FST_REQ_FILE_TOO_LARGE') {
    return new AppError(
      'PAYLOAD_TOO_LARGE',
      `The file is larger than the limit of ${maxUploadBytes} bytes. Split it into smaller files.`,
    );
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'This content type is not supported. Send the CSV as "Content-Type: text/csv" or as multipart/form-data field "file".',
    );
  }
  if (
    code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' ||
    code === 'FST_INVALID_MULTIPART_CONTENT_TYPE'
  ) {
    return new AppError(
      'BAD_REQUEST',
      `The request body could not be read (${(error as Error).message}). Check the request and try again.`,
    );
  }
  if (!isRedisUp()) {
    return new AppError('DEPENDENCY_DOWN', 'The job store (Redis) is unreachable. Try again in a few seconds.');
  }
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new AppError('BAD_REQUEST', `${(error as Error).message}. Check the request and try again.`);
  }
  return new AppError(
    'INTERNAL',
    'Something went wrong on the server. Try again; if it persists, check the server logs.',
  );
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error instanceof CapacityExceeded) reply.header('Retry-After', String(error.retryAfterSeconds));
  return reply
    .code(error.httpStatus)
    .type('application/json; charset=utf-8')
    .send(errorBody(error.code, error.message));
}

export function makeErrorHandler(isRedisUp: () => boolean, maxUploadBytes: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const appError = toAppError(error, isRedisUp, maxUploadBytes);
    if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'request failed');
    else if (appError.code === 'DEPENDENCY_DOWN')
      request.log.warn({ err: (error as Error).message }, 'dependency down');
    return sendError(reply, appError);
  };
}
