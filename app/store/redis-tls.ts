/**
 * TLS to Redis (`rediss://`): the CA file every connection of a process verifies the server with
 * (`REDIS_TLS_CA_FILE`), how the server's identity is checked, and a failed handshake turned into a
 * sentence an operator can act on.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';

/** Where and how to reach Redis: the URL, and the CA (PEM) when the process was given one. */
export interface RedisEndpoint {
  readonly url: string;
  /** PEM of the CA(s) that sign the server's certificate; undefined trusts Node's public CA list. */
  readonly tlsCa?: Buffer;
}

/** A CA file that cannot be used; the message names the variable and what to do. */
export class RedisTlsConfigError extends Error {
  readonly code = 'REDIS_TLS_CA_UNUSABLE';
  constructor(message: string) {
    super(message);
    this.name = 'RedisTlsConfigError';
  }
}

/**
 * The endpoint for `redisUrl`, reading `caFile` once at start: a missing, unreadable or non-PEM file
 * stops the process with a {@link RedisTlsConfigError} instead of failing every reconnect.
 */
export function loadRedisEndpoint(redisUrl: string, caFile: string | undefined): RedisEndpoint {
  if (caFile === undefined) return { url: redisUrl };
  let pem: Buffer;
  try {
    pem = readFileSync(caFile);
  } catch (error) {
    throw new RedisTlsConfigError(
      `REDIS_TLS_CA_FILE ${caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Mount the Redis server's CA certificate there, or unset the variable.`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new RedisTlsConfigError(
      `REDIS_TLS_CA_FILE ${caFile} holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line). It must hold the CA that signs the Redis server's certificate.`,
    );
  }
  return { url: redisUrl, tlsCa: pem };
}

/** The `tls` options of every connection to `endpoint`, or undefined for a plain connection. */
export function redisTlsOptions(endpoint: RedisEndpoint): ConnectionOptions | undefined {
  if (endpoint.tlsCa === undefined) return undefined;
  return { ca: endpoint.tlsCa, checkServerIdentity: checkRedisServerIdentity, minVersion: 'TLSv1.2' };
}

/**
 * Node's own host check, with one narrow addition: Memorystore's server certificate names the
 * instance's IP address in its subject CN (it is reached by IP; there is no DNS name), which Node
 * ignores for IP hosts. The certificate must still chain to the instance's own CA (REDIS_TLS_CA_FILE),
 * so a CN equal to the very address dialled is accepted; any other mismatch is refused.
 */
export function checkRedisServerIdentity(host: string, cert: PeerCertificate): Error | undefined {
  const problem = checkServerIdentity(host, cert);
  if (problem === undefined) return undefined;
  const commonName = cert.subject?.CN;
  if (isIP(host) !== 0 && (Array.isArray(commonName) ? commonName.includes(host) : commonName === host))
    return undefined;
  return problem;
}

// Node's codes for a certificate chain or name the client does not accept.
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A connection error explained for the log: a refused certificate names REDIS_TLS_CA_FILE, TLS spoken
 * to a plain port names the URL; anything else passes unchanged.
 */
export function explainRedisError(error: Error): Error {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (UNTRUSTED.has(code)) {
    return new Error(
      `Redis TLS handshake refused: the server's certificate is not trusted (${code}: ${error.message}). REDIS_TLS_CA_FILE must hold the CA that signed it (Memorystore: the instance's serverCaCerts), and REDIS_URL must name the host the certificate was issued for.`,
    );
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(error.message)) {
    return new Error(
      `Redis TLS handshake failed: the server at REDIS_URL does not speak TLS on that port (${error.message}). Use redis:// for a plain port, or the server's TLS port.`,
    );
  }
  return error;
}
