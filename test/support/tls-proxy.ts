/**
 * A TLS-terminating reverse proxy in front of a local web server, as Google's load balancer is in
 * front of the pods: haproxy (kit/haproxy.ts) with a throw-away certificate that openssl makes for
 * the test (kit/certificates.ts). It forwards HTTP and WebSocket upgrades and says
 * `X-Forwarded-Proto: https`; `tunnelTimeoutSeconds` makes it cut an upgraded connection after that
 * long without traffic (haproxy's `timeout tunnel`).
 */
import { startHaproxy, missingTools } from '../../kit/haproxy.js';
import type { TestCertificate } from '../../kit/certificates.js';
import { freePort } from '../../kit/free-port.js';

export { makeTestCertificate, type TestCertificate } from '../../kit/certificates.js';

/** Why the TLS proxy tests cannot run here, or `undefined` when they can. */
export function tlsProxyMissing(): string | undefined {
  const missing = missingTools(['haproxy', 'openssl']);
  return missing === undefined ? undefined : `${missing} to run the TLS edge tests`;
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

/** Starts haproxy and waits until its port accepts connections. */
export async function startTlsProxy(options: TlsProxyOptions): Promise<TlsProxy> {
  const port = options.port ?? (await freePort());
  const proxy = await startHaproxy({
    frontends: [{ name: 'https', port, backend: 'web', tlsPemFile: options.certificate.pemFile }],
    backends: [{ name: 'web', balance: 'roundrobin', ports: [options.backendPort] }],
    ...(options.tunnelTimeoutSeconds === undefined ? {} : { tunnelTimeoutSeconds: options.tunnelTimeoutSeconds }),
  });
  return { url: `https://127.0.0.1:${port}`, port, output: proxy.output, stop: () => proxy.stop() };
}
