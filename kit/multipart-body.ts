/**
 * A `multipart/form-data` body with one file part, written out byte for byte, so an upload can name
 * any field (the API reads `file`) and a bad-input case can send exactly what it means to. Pure.
 * https://www.rfc-editor.org/rfc/rfc7578
 */

export interface MultipartBody {
  readonly body: Buffer;
  /** `multipart/form-data; boundary=…` */
  readonly contentType: string;
}

const BOUNDARY = 'personalizedline-kit-7d1f';

/** One part named `field` holding `content` as the file `filename` (`text/csv`). */
export function multipartBody(field: string, content: string | Buffer, filename = 'upload.csv'): MultipartBody {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`;
  const body = Buffer.concat([
    Buffer.from(head),
    typeof content === 'string' ? Buffer.from(content) : content,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}
