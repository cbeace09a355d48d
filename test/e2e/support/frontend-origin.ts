/**
 * The second origin of the cross-origin tests: a tiny HTTPS static server on its own loopback address
 * (127.0.0.2) serving the fixture page in test/e2e/fixtures/cross-origin-page, bundled with esbuild.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../kit/free-port.js';
import type { TestCertificate } from '../../../kit/certificates.js';

const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/cross-origin-page/', import.meta.url));
/** Another loopback address than the API's 127.0.0.1, so host and port both differ. */
const HOST = '127.0.0.2';

export interface FrontendOrigin {
  /** `https://127.0.0.2:PORT`, exactly as the browser sends it in `Origin`. */
  readonly origin: string;
  close(): Promise<void>;
}

export async function startFrontendOrigin(certificate: TestCertificate): Promise<FrontendOrigin> {
  const esbuild = await import('esbuild');
  const bundle = await esbuild.build({
    entryPoints: [`${FIXTURE_DIR}page.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    logLevel: 'silent',
  });
  const files = new Map<string, { type: string; body: Buffer | Uint8Array }>([
    ['/', { type: 'text/html; charset=utf-8', body: await readFile(`${FIXTURE_DIR}index.html`) }],
    ['/page.js', { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0]!.contents }],
  ]);
  const server: Server = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
    const file = files.get(new URL(request.url ?? '/', 'https://x').pathname);
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  return {
    origin: `https://${HOST}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
