/**
 * Receives an upload as a stream: `text/csv` bodies (name in `?filename=`) or a `multipart/form-data`
 * field `file`. The bytes are validated as they arrive and staged in the store gzipped, piece by
 * piece, so the web server never holds a whole file. The size limit is enforced while reading.
 */
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export const CSV_CONTENT_TYPES = ['text/csv', 'application/csv'];

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The body of an upload, not read yet. */
export interface UploadBody {
  /** `csv`: the request body is the file; `multipart`: the file is a part of a form. */
  readonly kind: 'csv' | 'multipart';
  readonly filename: string;
  readonly bytes: AsyncIterable<Buffer>;
  /**
   * After the bytes were read to their end: true when the file was cut at the size limit
   * (multipart; a `text/csv` body over the limit throws while it is read instead).
   */
  readonly truncated: () => boolean;
}

/**
 * Opens the body of an upload. Throws `UNSUPPORTED_MEDIA_TYPE`, `PAYLOAD_TOO_LARGE` (a declared
 * length over the limit) or `BAD_REQUEST` (no `file` field) before anything is read.
 */
export async function openUpload(request: FastifyRequest, maxBytes: number): Promise<UploadBody> {
  const type = mediaType(request.headers['content-type']);
  if (CSV_CONTENT_TYPES.includes(type)) {
    if (Number(request.headers['content-length']) > maxBytes) throw tooLarge(maxBytes);
    const query = request.query as { filename?: unknown };
    return {
      kind: 'csv',
      filename: cleanFilename(query.filename),
      bytes: limited(request.body as Readable, maxBytes),
      truncated: () => false,
    };
  }
  if (type === 'multipart/form-data') return openMultipart(request, maxBytes);
  throw new AppError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content type "${type || 'none'}" is not supported. Send the CSV as "Content-Type: text/csv" or as multipart/form-data field "file".`,
  );
}

/**
 * True when reading `body` stopped at `error` with the rest of the body unread: a `text/csv` body
 * over the limit (a multipart file over the limit is read to its end, busboy dropping the rest).
 */
export function isBodyCutShort(body: UploadBody, error: unknown): boolean {
  return body.kind === 'csv' && error instanceof AppError && error.code === 'PAYLOAD_TOO_LARGE';
}

/**
 * The body's chunks, counted: over `maxBytes` it throws `PAYLOAD_TOO_LARGE` and stops reading, the
 * rest of the body unread (the answer then closes the connection, as fastify's own limit does).
 */
async function* limited(body: Readable, maxBytes: number): AsyncGenerator<Buffer> {
  let received = 0;
  for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

async function openMultipart(request: FastifyRequest, maxBytes: number): Promise<UploadBody> {
  const part = await request.file({ limits: { fileSize: maxBytes, files: 1 } }).catch((error: unknown) => {
    throw malformedMultipart(error);
  });
  if (!part || part.fieldname !== 'file') {
    throw new AppError('BAD_REQUEST', 'No file in the form. Send the CSV as multipart/form-data field "file".');
  }
  const TooLarge = request.server.multipartErrors.RequestFileTooLargeError;
  async function* bytes(): AsyncGenerator<Buffer> {
    try {
      // Past the limit busboy drops the rest of the file and marks it truncated: read to the end,
      // so the whole form is consumed, and answer 413 then.
      for await (const chunk of part!.file as AsyncIterable<Buffer>) yield chunk;
    } catch (error) {
      throw error instanceof TooLarge ? tooLarge(maxBytes) : malformedMultipart(error);
    }
  }
  return {
    kind: 'multipart',
    filename: cleanFilename(part.filename),
    bytes: bytes(),
    truncated: () => part.file.truncated,
  };
}

/**
 * Busboy's own errors (a body cut short, a boundary that never closes) carry no status: they are the
 * client's malformed request, so `400`, not `500`. Errors that already have a status pass unchanged.
 */
function malformedMultipart(error: unknown): unknown {
  if (error instanceof AppError || (error as { statusCode?: unknown }).statusCode !== undefined) return error;
  return new AppError(
    'BAD_REQUEST',
    `The multipart body could not be read (${(error as Error).message}). Send the CSV as multipart/form-data field "file".`,
  );
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `The file is larger than the limit of ${maxBytes} bytes. Split it into smaller files.`,
  );
}

/** C0 controls and DEL: never part of a name shown on the page or in a Content-Disposition header. */
function isControlCharacter(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0x1f || code === 0x7f;
}

/** A display name only: no path, no control characters, bounded length. */
export function cleanFilename(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : '';
  const base = text.split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((char) => !isControlCharacter(char))
    .join('')
    .trim()
    .slice(0, 200);
  return clean || 'upload.csv';
}
