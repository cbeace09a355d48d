/**
 * TLS to Redis, the parts without a server: reading REDIS_TLS_CA_FILE, the server identity check
 * (certificates made by openssl), and the explained errors. A job over a real TLS Redis is in
 * test/e2e/redis-tls.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/config.js';
import {
  checkRedisServerIdentity,
  explainRedisError,
  loadRedisEndpoint,
  RedisTlsConfigError,
} from '../../app/store/redis-tls.js';
import {
  issueServerCertificate,
  makeCertificateAuthority,
  type TestCertificateAuthority,
} from '../../kit/certificates.js';
import { missingTools } from '../../kit/haproxy.js';

const missing = missingTools(['openssl']);
if (missing) process.stdout.write(`SKIP test/store/redis-tls.test.ts: ${missing}\n`);

const SECRET = 'a-test-secret-of-at-least-32-bytes';

describe.skipIf(missing !== undefined)('Redis TLS', () => {
  let ca: TestCertificateAuthority;

  beforeAll(() => {
    ca = makeCertificateAuthority('redis test CA');
  });
  afterAll(() => ca?.remove());

  const peer = (file: string, options: Parameters<typeof issueServerCertificate>[2]): PeerCertificate =>
    new X509Certificate(issueServerCertificate(ca, file, options).cert).toLegacyObject();

  it('reads the CA file once, and names the variable when it is missing or not PEM', () => {
    expect(loadRedisEndpoint('rediss://10.0.0.3:6378', ca.certFile).tlsCa?.toString()).toContain('BEGIN CERTIFICATE');
    expect(loadRedisEndpoint('redis://127.0.0.1:6379', undefined)).toEqual({ url: 'redis://127.0.0.1:6379' });
    expect(() => loadRedisEndpoint('rediss://h:1', join(ca.dir, 'absent.crt'))).toThrow(RedisTlsConfigError);
    expect(() => loadRedisEndpoint('rediss://h:1', join(ca.dir, 'absent.crt'))).toThrow(
      /REDIS_TLS_CA_FILE .*absent\.crt cannot be read \(ENOENT\)/,
    );
    const notPem = join(ca.dir, 'not-pem.txt');
    writeFileSync(notPem, 'hello');
    expect(() => loadRedisEndpoint('rediss://h:1', notPem)).toThrow(/holds no PEM certificate/);
  });

  it('refuses REDIS_TLS_CA_FILE with a plain redis:// URL at start', () => {
    expect(() => loadConfig({ JWT_SECRET: SECRET, REDIS_TLS_CA_FILE: '/etc/ca.pem' })).toThrow(ConfigError);
    expect(() => loadConfig({ JWT_SECRET: SECRET, REDIS_TLS_CA_FILE: '/etc/ca.pem' })).toThrow(/use rediss:\/\//);
    expect(
      loadConfig({ JWT_SECRET: SECRET, REDIS_URL: 'rediss://10.0.0.3:6378', REDIS_TLS_CA_FILE: '/etc/ca.pem' })
        .redisTlsCaFile,
    ).toBe('/etc/ca.pem');
  });

  it('accepts the address in the subject alternative names, as Node does', () => {
    expect(checkRedisServerIdentity('127.0.0.1', peer('san', { altNames: ['IP:127.0.0.1'] }))).toBeUndefined();
    expect(checkRedisServerIdentity('127.0.0.2', peer('san-other', { altNames: ['IP:127.0.0.1'] }))).toBeInstanceOf(
      Error,
    );
  });

  it('accepts a certificate that names the dialled IP only in its CN (Memorystore), and no other', () => {
    const memorystoreLike = peer('cn-only', { commonName: '10.20.30.40', altNames: [] });
    expect(checkRedisServerIdentity('10.20.30.40', memorystoreLike)).toBeUndefined();
    expect(checkRedisServerIdentity('10.20.30.41', memorystoreLike)).toBeInstanceOf(Error);
    // A host name is never matched by the CN fallback.
    expect(
      checkRedisServerIdentity(
        'redis.example',
        peer('cn-name', { commonName: 'redis.example', altNames: ['DNS:other.example'] }),
      ),
    ).toBeInstanceOf(Error);
  });

  it('explains a refused certificate and a plain port spoken to with TLS', () => {
    const untrusted = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(explainRedisError(untrusted).message).toMatch(
      /not trusted \(SELF_SIGNED_CERT_IN_CHAIN.*REDIS_TLS_CA_FILE must hold the CA/,
    );
    const plain = Object.assign(new Error('ssl3_get_record:wrong version number'), {
      code: 'ERR_SSL_WRONG_VERSION_NUMBER',
    });
    expect(explainRedisError(plain).message).toMatch(/does not speak TLS on that port/);
    const other = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    expect(explainRedisError(other)).toBe(other);
  });
});
