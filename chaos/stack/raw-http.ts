/**
 * An HTTP client that sends the path exactly as given: `fetch` normalises `..` and percent-escapes,
 * which would hide precisely the inputs the bad-input classes are about.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { errorOf } from '../../kit/api-answers.js';

export interface RawRequest {
  readonly method?: string;
  /** Sent verbatim in the request line. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed body when it is JSON, else undefined; read it through `errorOf`/`createdJob` (kit/api-answers). */
  readonly json: unknown;
}

/** Sends one request to `baseUrl` (http://host:port) and reads the whole answer. */
export function rawRequest(baseUrl: string, req: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method ?? 'GET',
        path: req.path,
        headers: req.headers,
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`${req.method ?? 'GET'} ${req.path.slice(0, 80)} timed out`)),
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/**
 * Checks an error answer against the contract: the expected status, a JSON body
 * `{"error":{"code","message"}}` and, when given, one of the expected codes. Answers why not, or undefined.
 */
export function checkErrorAnswer(
  response: RawResponse,
  status: number | readonly number[],
  codes?: readonly string[],
): string | undefined {
  const statuses = typeof status === 'number' ? [status] : status;
  if (!statuses.includes(response.status))
    return `status ${response.status}, expected ${statuses.join(' or ')}: ${response.text.slice(0, 200)}`;
  // Node's HTTP parser answers 431 itself, before the app, with no body: nothing to check there.
  if (response.status === 431) return undefined;
  const error = errorOf(response.json);
  if (!error) return `not a contract error body: ${response.text.slice(0, 200)}`;
  if (codes && !codes.includes(error.code)) return `error code ${error.code}, expected ${codes.join(' or ')}`;
  return undefined;
}
