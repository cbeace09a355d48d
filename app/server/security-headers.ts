/** Headers every response carries. Tokens travel in the page URL once, so no Referer may leak it. */
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * One year, the usual HSTS lifetime. Without `includeSubDomains`: the API's domain says nothing about
 * its siblings or children. Browsers ignore the header on plain HTTP (RFC 6797 §8.1), so it is sent
 * only when the request came over HTTPS.
 */
export const HSTS_VALUE = 'max-age=31536000';

/**
 * Sets the headers on `reply`. `request.protocol` is `https` on a TLS socket, or behind a proxy that
 * `TRUST_PROXY` trusts and that said `X-Forwarded-Proto: https`.
 */
export function applySecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
  reply.header('X-Frame-Options', 'DENY');
  reply.header(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  if (request.protocol === 'https') reply.header('Strict-Transport-Security', HSTS_VALUE);
}
