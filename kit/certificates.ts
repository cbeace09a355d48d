/**
 * Throw-away certificates made with openssl, for the TLS the tests and the benchmark run for real:
 * a self-signed certificate for a proxy's or a page server's TLS, and a small CA with server
 * certificates it signs, as Memorystore signs its server certificate with the instance's own CA.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, as files and as bytes. */
export interface TestCertificate {
  readonly dir: string;
  /** PEM certificate (also what a client trusts: NODE_EXTRA_CA_CERTS). */
  readonly certFile: string;
  readonly keyFile: string;
  /** Certificate and key in one file, as haproxy's `crt` wants them. */
  readonly pemFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  remove(): void;
}

/** The loopback names every test certificate covers. */
const LOOPBACK_NAMES = 'IP:127.0.0.1,IP:127.0.0.2,DNS:localhost';

function openssl(args: string[], what: string): void {
  const made = spawnSync('openssl', args, { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make ${what}: ${made.stderr}`);
}

function certificateIn(dir: string, name: string): TestCertificate {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const cert = readFileSync(certFile);
  const key = readFileSync(keyFile);
  const pemFile = join(dir, `${name}.pem`);
  writeFileSync(pemFile, Buffer.concat([cert, key]), { mode: 0o600 });
  return { dir, certFile, keyFile, pemFile, cert, key, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A one-day self-signed certificate for 127.0.0.1, 127.0.0.2 and localhost. */
export function makeTestCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'pl-tls-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=personalizedline test',
      '-addext',
      `subjectAltName=${LOOPBACK_NAMES}`,
      '-keyout',
      join(dir, 'cert.key'),
      '-out',
      join(dir, 'cert.crt'),
    ],
    'a certificate',
  );
  return certificateIn(dir, 'cert');
}

/** A certificate authority that signs server certificates ({@link issueServerCertificate}). */
export interface TestCertificateAuthority extends TestCertificate {
  readonly name: string;
}

/** A one-day CA named `name` (its subject CN). */
export function makeCertificateAuthority(name: string): TestCertificateAuthority {
  const dir = mkdtempSync(join(tmpdir(), 'pl-ca-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      join(dir, 'ca.crt'),
    ],
    'a CA',
  );
  return { ...certificateIn(dir, 'ca'), name };
}

export interface ServerCertificateOptions {
  /** Subject CN. @default '127.0.0.1' (what Memorystore puts there: the address clients dial) */
  readonly commonName?: string;
  /** subjectAltName entries, e.g. `IP:127.0.0.1`; none writes no SAN. @default the loopback names */
  readonly altNames?: readonly string[];
}

/** A one-day server certificate signed by `ca`, written into the CA's folder as `<file>.crt/.key`. */
export function issueServerCertificate(
  ca: TestCertificateAuthority,
  file: string,
  options: ServerCertificateOptions = {},
): TestCertificate {
  const key = join(ca.dir, `${file}.key`);
  const request = join(ca.dir, `${file}.csr`);
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      `/CN=${options.commonName ?? '127.0.0.1'}`,
      '-keyout',
      key,
      '-out',
      request,
    ],
    'a certificate request',
  );
  const altNames = options.altNames ?? LOOPBACK_NAMES.split(',');
  const extensions = join(ca.dir, `${file}.ext`);
  writeFileSync(
    extensions,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature',
      'extendedKeyUsage=serverAuth',
      ...(altNames.length > 0 ? [`subjectAltName=${altNames.join(',')}`] : []),
      '',
    ].join('\n'),
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      extensions,
      '-out',
      join(ca.dir, `${file}.crt`),
    ],
    'a server certificate',
  );
  return certificateIn(ca.dir, file);
}
