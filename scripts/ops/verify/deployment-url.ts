/** The deployment's base URL as given to `--url`, and the URLs verify derives from it. */
import { OpsError } from '../outcome.js';

/** Parses `--url`: http(s) only, no query; answers the base without a trailing slash. */
export function parseDeploymentUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OpsError('USAGE', `--url must be an absolute URL such as http://127.0.0.1:8080, got "${raw}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OpsError('USAGE', `--url must start with http:// or https://, got "${raw}".`);
  }
  if (url.search || url.hash) throw new OpsError('USAGE', `--url must have no query or fragment, got "${raw}".`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** `ws(s)://…/ws/jobs/{id}` for a base URL. */
export function jobSocketUrl(baseUrl: string, jobId: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/ws/jobs/${encodeURIComponent(jobId)}`;
}

/** True for 127.0.0.0/8, ::1 and localhost: the local stack, whose secret verify may read. */
export function isLoopback(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
