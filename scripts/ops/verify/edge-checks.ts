/**
 * verify's checks of the public edge: HSTS on an `https://` deployment, and the CORS answer a
 * frontend on another origin (`--origin`) gets for the preflight of its upload.
 */
import { CheckFailure } from './check-result.js';
import { REQUEST_TIMEOUT_MS } from './http-checks.js';

/** An `https://` deployment's answers carry `Strict-Transport-Security` (the server knows it is behind TLS). */
export async function checkHsts(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/health`, {
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await response.arrayBuffer();
  const hsts = response.headers.get('strict-transport-security');
  if (!hsts) {
    throw new CheckFailure(
      "GET /health over HTTPS has no Strict-Transport-Security header: the web server does not know the request came over HTTPS. Set TRUST_PROXY to the TLS proxy's addresses (EDGE=ingress sets Google's front ends).",
    );
  }
  return `Strict-Transport-Security: ${hsts}`;
}

/**
 * The browser's preflight of `POST /jobs` with `Authorization` and `Content-Type` from `origin`
 * answers 2xx with `Access-Control-Allow-Origin: <origin>` and both headers allowed.
 */
export async function checkCorsPreflight(baseUrl: string, origin: string): Promise<string> {
  const response = await fetch(`${baseUrl}/jobs`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await response.arrayBuffer();
  const allowOrigin = response.headers.get('access-control-allow-origin');
  const allowHeaders = (response.headers.get('access-control-allow-headers') ?? '')
    .toLowerCase()
    .split(',')
    .map((h) => h.trim());
  const missing = ['authorization', 'content-type'].filter((h) => !allowHeaders.includes(h));
  if (response.status < 200 || response.status > 299 || allowOrigin !== origin || missing.length > 0) {
    throw new CheckFailure(
      `the preflight of POST /jobs from ${origin} answered ${response.status} with Access-Control-Allow-Origin ${allowOrigin ?? '(none)'}` +
        `${missing.length > 0 ? `, not allowing ${missing.join(' and ')}` : ''}. Add ${origin} to ALLOWED_ORIGINS of the web server.`,
    );
  }
  return `${response.status} Access-Control-Allow-Origin: ${origin}; Authorization and Content-Type allowed`;
}
