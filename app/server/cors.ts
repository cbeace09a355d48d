/**
 * CORS for a browser frontend on another origin (`ALLOWED_ORIGINS`), with @fastify/cors. Tokens ride
 * in the `Authorization` header, never in cookies, so credentials stay off. An empty list is "same
 * origin only": no CORS answer at all (the server's own page needs none).
 */
import type { FastifyCorsOptions } from '@fastify/cors';

/** Request headers a cross-origin page may send besides the CORS-safelisted ones. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type'] as const;

/**
 * Response headers a cross-origin page may read besides the safelisted ones: the result download's
 * file name, and how long to wait after `503 CAPACITY_EXCEEDED` or `429`.
 */
export const CORS_EXPOSED_HEADERS = ['Content-Disposition', 'Retry-After'] as const;

/** How long a browser may reuse a preflight answer (Chromium caps this at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

/** The @fastify/cors options for `allowedOrigins` (exact origins, as `app/config.ts` checks them). */
export function corsOptions(allowedOrigins: readonly string[]): FastifyCorsOptions {
  return {
    // An array answers the request's own Origin when listed, and no Access-Control-Allow-Origin otherwise.
    origin: allowedOrigins.length > 0 ? [...allowedOrigins] : false,
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    credentials: false,
    maxAge: CORS_MAX_AGE_SECONDS,
    // An OPTIONS without Origin is no preflight; answer it like any other (no 400 text body).
    strictPreflight: false,
  };
}
