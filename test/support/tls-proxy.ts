/**
 * A TLS-terminating reverse proxy in front of a local web server, as Google's load balancer is in
 * front of the pods: Debian's haproxy with a throw-away certificate that openssl makes for the test.
 * It forwards HTTP and WebSocket upgrades and says `X-Forwarded-Proto: https`; `tunnelTimeoutSeconds`
 * makes it cut an upgraded connection after that long without traffic (haproxy's `timeout tunnel`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from './free-port.js';

/** Why the TLS proxy tests cannot run here, or `undefined` when they can. */
export function tlsProxyMissing(): string | undefined {
  for (const tool of ['haproxy', 'openssl']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return `${tool} not found: install the Debian package "${tool}" (.ci/run does) to run the TLS edge tests`;
    }
  }
  return undefined;
}

/** A self-signed certificate for the loopback names the tests use. */
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

/** Makes a one-day certificate for 127.0.0.1, 127.0.0.2 and localhost with openssl. */
export function makeTestCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'pl-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=personalizedline test', '-addext', 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
  const cert = readFileSync(certFile);
  const key = readFileSync(keyFile);
  const pemFile = join(dir, 'haproxy.pem');
  writeFileSync(pemFile, Buffer.concat([cert, key]), { mode: 0o600 });
  return { dir, certFile, keyFile, pemFile, cert, key, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TlsProxyOptions {
  /** `http://127.0.0.1:PORT` of the web server behind it. */
  readonly backendPort: number;
  readonly certificate: TestCertificate;
  /** haproxy's `timeout tunnel`: an upgraded connection idle this long is cut. @default 3600 */
  readonly tunnelTimeoutSeconds?: number;
  /** Port to listen on (a restart keeps its address). @default a free port */
  readonly port?: number;
}

export interface TlsProxy {
  /** `https://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** haproxy's own output (warnings, alerts). */
  readonly output: string[];
  stop(): Promise<void>;
}

/** Starts haproxy in the foreground (`-db`) and waits until its port accepts connections. */
export async function startTlsProxy(options: TlsProxyOptions): Promise<TlsProxy> {
  const port = options.port ?? await freePort();
  const config = join(options.certificate.dir, `haproxy-${port}.cfg`);
  writeFileSync(config, haproxyConfig(port, options));
  const check = spawnSync('haproxy', ['-c', '-q', '-f', config], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy rejects its configuration:\n${check.stdout}${check.stderr}`);
  const child = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, child, output);
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function haproxyConfig(port: number, options: TlsProxyOptions): string {
  return [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  option http-server-close',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-request 10s',
    // After an upgrade only this applies to the connection, on both sides.
    `  timeout tunnel ${options.tunnelTimeoutSeconds ?? 3600}s`,
    'frontend https',
    `  bind 127.0.0.1:${port} ssl crt ${options.certificate.pemFile} alpn http/1.1`,
    '  option forwardfor',
    '  http-request set-header X-Forwarded-Proto https',
    '  default_backend web',
    'backend web',
    `  server web 127.0.0.1:${options.backendPort}`,
    '',
  ].join('\n');
}

async function waitForPort(port: number, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${output.join('')}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`haproxy did not listen on ${port} within 10 s:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

