/** The hand-picked CSV uploads: empty, header only, bad encodings, the size, row and type limits. */
import { createdJob, errorOf } from '../../kit/api-answers.js';
import { multipartBody } from '../../kit/multipart-body.js';
import { checkErrorAnswer, type RawResponse } from '../stack/raw-http.js';

export interface FixedCsvCase {
  readonly name: string;
  readonly body: string | Buffer;
  readonly contentType: string;
  readonly check: (response: RawResponse) => string | undefined;
}

const MIB = 1024 * 1024;
/** The service's default upload limit (MAX_UPLOAD_BYTES). */
export const UPLOAD_LIMIT_BYTES = 10 * MIB;

function rows(count: number): string {
  return `name,company\n${Array.from({ length: count }, (_, i) => `P${i},C${i}`).join('\n')}\n`;
}

const accepted =
  (total: number) =>
  (response: RawResponse): string | undefined => {
    if (response.status !== 201) return `answered ${response.status}: ${response.text.slice(0, 160)}`;
    const job = createdJob(response.json);
    if (!job) return `answered 201 without a Job: ${response.text.slice(0, 160)}`;
    return job.total !== total ? `total ${job.total}, expected ${total}` : undefined;
  };

/** A `400 BAD_CSV` whose message names the 1-based line `line`. */
export function checkBadCsvAt(response: RawResponse, line: number): string | undefined {
  const failure = checkErrorAnswer(response, 400, ['BAD_CSV']);
  if (failure) return failure;
  const message = errorOf(response.json)?.message ?? '';
  return new RegExp(`\\bline ${line}\\b`).test(message) ? undefined : `message does not name line ${line}: ${message}`;
}

export function fixedCsvCases(maxRows: number): FixedCsvCase[] {
  const csv = 'text/csv';
  const tooBig = multipartBody('file', 'a'.repeat(UPLOAD_LIMIT_BYTES + 10));
  const noFile = multipartBody('other', rows(2));
  const withFile = multipartBody('file', rows(3));
  return [
    {
      name: 'an empty body answers 400 EMPTY_FILE',
      body: '',
      contentType: csv,
      check: (r) => checkErrorAnswer(r, 400, ['EMPTY_FILE']),
    },
    {
      name: 'only a BOM answers 400 EMPTY_FILE',
      body: '\uFEFF',
      contentType: csv,
      check: (r) => checkErrorAnswer(r, 400, ['EMPTY_FILE']),
    },
    {
      name: 'only blank lines answer 400 EMPTY_FILE',
      body: '\n\r\n  \n',
      contentType: csv,
      check: (r) => checkErrorAnswer(r, 400, ['EMPTY_FILE']),
    },
    {
      name: 'a header alone answers 400 NO_DATA_ROWS',
      body: 'name,company\n',
      contentType: csv,
      check: (r) => checkErrorAnswer(r, 400, ['NO_DATA_ROWS']),
    },
    {
      name: 'invalid UTF-8 answers 400 BAD_CSV',
      body: Buffer.from([0x6e, 0x0a, 0xff, 0xfe, 0x0a]),
      contentType: csv,
      check: (r) => checkErrorAnswer(r, 400, ['BAD_CSV']),
    },
    {
      name: 'a NUL byte answers 400 BAD_CSV',
      body: 'name\nx\u0000y\n',
      contentType: csv,
      check: (r) => checkErrorAnswer(r, 400, ['BAD_CSV']),
    },
    {
      name: 'BOM + CRLF file is accepted',
      body: `\uFEFF${rows(3).replace(/\n/g, '\r\n')}`,
      contentType: csv,
      check: accepted(3),
    },
    {
      name: 'a CRLF line break inside a quoted cell counts as one line in the 400 message',
      body: 'a,b\r\n"x\r\ny",1\r\n2\r\n',
      contentType: csv,
      check: (r) => checkBadCsvAt(r, 4),
    },
    {
      name: `${maxRows + 1} rows answer 422 TOO_MANY_ROWS`,
      body: rows(maxRows + 1),
      contentType: csv,
      check: (r) => checkErrorAnswer(r, 422, ['TOO_MANY_ROWS']),
    },
    { name: `${maxRows} rows are accepted`, body: rows(maxRows), contentType: csv, check: accepted(maxRows) },
    {
      name: 'a 10 MB single line (a header, no rows) answers 400 NO_DATA_ROWS',
      body: 'h'.repeat(10_000_000),
      contentType: csv,
      check: (r) => checkErrorAnswer(r, 400, ['NO_DATA_ROWS']),
    },
    {
      name: 'a 5 MB cell in one row is accepted',
      body: `name,notes\nAda,${'n'.repeat(5_000_000)}\n`,
      contentType: csv,
      check: accepted(1),
    },
    {
      name: 'one byte over 10 MiB answers 413',
      body: Buffer.alloc(UPLOAD_LIMIT_BYTES + 1, 0x61),
      contentType: csv,
      check: (r) => checkErrorAnswer(r, 413, ['PAYLOAD_TOO_LARGE']),
    },
    {
      name: 'a multipart file over 10 MiB answers 413',
      body: tooBig.body,
      contentType: tooBig.contentType,
      check: (r) => checkErrorAnswer(r, 413, ['PAYLOAD_TOO_LARGE']),
    },
    {
      name: 'application/json answers 415',
      body: '{"a":1}',
      contentType: 'application/json',
      check: (r) => checkErrorAnswer(r, 415, ['UNSUPPORTED_MEDIA_TYPE']),
    },
    {
      name: 'text/plain answers 415',
      body: rows(2),
      contentType: 'text/plain',
      check: (r) => checkErrorAnswer(r, 415, ['UNSUPPORTED_MEDIA_TYPE']),
    },
    {
      name: 'a nonsense content type answers 415',
      body: rows(2),
      contentType: '../../;;;',
      check: (r) => checkErrorAnswer(r, 415, ['UNSUPPORTED_MEDIA_TYPE']),
    },
    {
      name: 'multipart without a "file" field answers 400',
      body: noFile.body,
      contentType: noFile.contentType,
      check: (r) => checkErrorAnswer(r, 400, ['BAD_REQUEST']),
    },
    {
      name: 'multipart with a boundary that never ends answers 400',
      body: 'garbage',
      contentType: 'multipart/form-data; boundary=zzz',
      check: (r) => checkErrorAnswer(r, 400, ['BAD_REQUEST', 'BAD_CSV', 'EMPTY_FILE']),
    },
    {
      name: 'multipart "file" is accepted',
      body: withFile.body,
      contentType: withFile.contentType,
      check: accepted(3),
    },
  ];
}
