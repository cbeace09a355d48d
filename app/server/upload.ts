/**
 * Reads an upload into bytes and a file name: `text/csv` bodies (name in `?filename=`) or a
 * `multipart/form-data` field `file`. Size limits are enforced while reading, never after.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export interface Upload {
  readonly bytes: Buffer;
  readonly filename: string;
}

export const CSV_CONTENT_TYPES = ['text/csv', 'application/csv'];

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export async function readUpload(request: FastifyRequest, maxBytes: number): Promise<Upload> {
  const type = mediaType(request.headers['content-type']);
  if (CSV_CONTENT_TYPES.includes(type)) {
    const query = request.query as { filename?: unknown };
    return { bytes: request.body as Buffer, filename: cleanFilename(query.filename) };
  }
  if (type === 'multipart/form-data') return readMultipart(request, maxBytes);
  throw new AppError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content type "${type || 'none'}" is not supported. Send the CSV as "Content-Type: text/csv" or as multipart/form-data field "file".`,
  );
}

async function readMultipart(request: FastifyRequest, maxBytes: number): Promise<Upload> {
  const part = await request.file({ limits: { fileSize: maxBytes, files: 1 } }).catch((error: unknown) => {
    throw malformedMultipart(error);
  });
  if (!part || part.fieldname !== 'file') {
    throw new AppError('BAD_REQUEST', 'No file in the form. Send the CSV as multipart/form-data field "file".');
  }
  let bytes: Buffer;
  try {
    bytes = await part.toBuffer();
  } catch (error) {
    if (error instanceof request.server.multipartErrors.RequestFileTooLargeError) throw tooLarge(maxBytes);
    throw malformedMultipart(error);
  }
  if (part.file.truncated) throw tooLarge(maxBytes);
  return { bytes, filename: cleanFilename(part.filename) };
}

/**
 * Busboy's own errors (a body cut short, a boundary that never closes) carry no status: they are the
 * client's malformed request, so `400`, not `500`. Errors that already have a status pass unchanged.
 */
function malformedMultipart(error: unknown): unknown {
  if (error instanceof AppError || (error as { statusCode?: unknown }).statusCode !== undefined) return error;
  return new AppError('BAD_REQUEST', `The multipart body could not be read (${(error as Error).message}). Send the CSV as multipart/form-data field "file".`);
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes. Split it into smaller files.`);
}

/** A display name only: no path, no control characters, bounded length. */
export function cleanFilename(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : '';
  const base = text.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean || 'upload.csv';
}
