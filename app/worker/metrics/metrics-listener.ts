/**
 * The worker's own small HTTP listener: `GET /metrics` in the Prometheus text format and nothing
 * else (the worker serves no API). Google Managed Prometheus scrapes it through PodMonitoring
 * `rq-worker` (infra/k8s/monitoring-chart.ts), on the container port named `metrics`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsListener {
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  readonly url: string;
  close(): Promise<void>;
}

export interface MetricsListenerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly render: () => Promise<{ contentType: string; body: string }>;
  /** Told when a render fails (the scrape gets 500). */
  readonly onError: (error: Error) => void;
}

/** Listens on `host:port`; rejects when the port cannot be bound (e.g. `EADDRINUSE`). */
export async function listenForMetrics(options: MetricsListenerOptions): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics is served here.\n');
      return;
    }
    options.render().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => {
        options.onError(error as Error);
        response.writeHead(500, { 'content-type': 'text/plain' }).end('The metrics could not be rendered.\n');
      },
    );
  });
  // A scrape is one short request; an idle keep-alive socket must not hold the shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `the metrics port ${options.host}:${options.port} is in use; set WORKER_METRICS_PORT to a free port (0 picks one)`,
            )
          : error,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
