/**
 * The HTTP API as the page uses it. `fetch`, the page address and the token are passed in, so the
 * same client works in the browser and in Node tests against a real server.
 */
import type { Job } from '../domain/job.js';
import { parseProgressMessage } from '../domain/progress-message.js';
import { POLL_INTERVAL_MS } from '../domain/wire-contract.js';
import { apiUrl } from './urls.js';
import type { PollAnswer } from './watch-machine.js';

/** `GET /config`. */
export interface ClientConfig {
  readonly enableWebsocket: boolean;
  readonly pollIntervalMs: number;
}

/** One page of `GET /jobs`. */
export interface JobPageAnswer {
  readonly jobs: readonly Job[];
  readonly total: number;
}

/** A non-2xx answer; `code` is the contract's `error.code` (or `HTTP_<status>` without a body). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  readonly pageHref: string;
  /** The current token, read at every request (it can be replaced while the page runs). */
  readonly token: () => string | undefined;
  readonly fetch: typeof fetch;
}

/** The requests the page makes; each rejects with {@link ApiError} on a non-2xx answer. */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  async config(): Promise<ClientConfig> {
    const body = await this.json('config', { auth: false });
    const value = body as Partial<ClientConfig>;
    return {
      enableWebsocket: value.enableWebsocket !== false,
      pollIntervalMs:
        typeof value.pollIntervalMs === 'number' && value.pollIntervalMs > 0 ? value.pollIntervalMs : POLL_INTERVAL_MS,
    };
  }

  async listJobs(offset: number, limit: number): Promise<JobPageAnswer> {
    return (await this.json(`jobs?offset=${offset}&limit=${limit}`)) as JobPageAnswer;
  }

  /** Uploads one CSV file as `multipart/form-data` field `file`. */
  async upload(file: Blob, filename: string): Promise<Job> {
    const form = new FormData();
    form.append('file', file, filename);
    return (await this.json('jobs', { method: 'POST', body: form })) as Job;
  }

  /** `GET /jobs/{id}/progress` as the watcher needs it; never rejects. */
  async progress(jobId: string): Promise<PollAnswer> {
    let response: Response;
    try {
      response = await this.request(`jobs/${encodeURIComponent(jobId)}/progress`);
    } catch {
      return { kind: 'error' };
    }
    if (response.status === 401) return { kind: 'refused', reason: 'unauthorized' };
    if (response.status === 404) return { kind: 'refused', reason: 'not-found' };
    if (!response.ok) return { kind: 'error' };
    const message = parseProgressMessage(await response.text().catch(() => ''));
    return message ? { kind: 'message', message } : { kind: 'error' };
  }

  /** The result CSV (needs the token, so it cannot be a plain link). */
  async result(jobId: string): Promise<Blob> {
    const response = await this.request(`jobs/${encodeURIComponent(jobId)}/result`);
    if (!response.ok) throw await errorOf(response);
    return response.blob();
  }

  private async json(path: string, init: { method?: string; body?: BodyInit; auth?: boolean } = {}): Promise<unknown> {
    const response = await this.request(path, init);
    if (!response.ok) throw await errorOf(response);
    return response.json();
  }

  private request(path: string, init: { method?: string; body?: BodyInit; auth?: boolean } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.options.token();
    if (init.auth !== false && token) headers.authorization = `Bearer ${token}`;
    return this.options.fetch(apiUrl(this.options.pageHref, path), {
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      cache: 'no-store',
      credentials: 'omit',
    });
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: unknown; message?: unknown } } | undefined;
  const code = typeof body?.error?.code === 'string' ? body.error.code : `HTTP_${response.status}`;
  const message =
    typeof body?.error?.message === 'string' ? body.error.message : `The server answered ${response.status}.`;
  return new ApiError(response.status, code, message);
}
