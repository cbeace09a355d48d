/** `POST /jobs` with a CSV file, both ways the API takes one: a `text/csv` body or a multipart form. */
import type { UploadBody } from './api-answers.js';
import { multipartBody } from './multipart-body.js';

export interface UploadOptions {
  /** The file's name, as the user's browser would send it. @default 'test.csv' */
  readonly filename?: string;
  /** `text/csv`: the body is the file, its name in `?filename=`; `multipart`: the form field `file`. @default 'text/csv' */
  readonly as?: 'text/csv' | 'multipart';
}

export interface UploadAnswer {
  readonly status: number;
  /** The JSON answer: a Job on 201, `{ error: { code, message } }` otherwise (see {@link UploadBody}). */
  readonly body: UploadBody;
  readonly headers: Headers;
}

/** Uploads `csv` as the user of `token`; answers the status, the JSON body and the headers. */
export async function uploadCsv(
  baseUrl: string,
  token: string,
  csv: string | Buffer,
  options: UploadOptions = {},
): Promise<UploadAnswer> {
  const filename = options.filename ?? 'test.csv';
  const { body, contentType } =
    options.as === 'multipart' ? multipartBody('file', csv, filename) : { body: csv, contentType: 'text/csv' };
  const query = options.as === 'multipart' ? '' : `?filename=${encodeURIComponent(filename)}`;
  const response = await fetch(`${baseUrl}/jobs${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    // undici sends a Buffer as it is; the DOM typing of `fetch` only lists its own body types.
    body: body as BodyInit,
  });
  return { status: response.status, body: (await response.json()) as UploadBody, headers: response.headers };
}
