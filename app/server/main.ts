/** `npm run web`: the web server process, configured only by the environment. */
import { configFromEnvOrExit } from '../config-from-env.js';
import { startWebServer } from './web-server.js';

async function main(): Promise<void> {
  const config = configFromEnvOrExit();
  const server = await startWebServer(config);
  server.app.log.info({ url: server.url, enableWebsocket: config.enableWebsocket }, 'web server listening');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    // A hung drain must not outlive Kubernetes' grace period: exit regardless after the timeout.
    const deadline = setTimeout(() => {
      server.app.log.warn(
        { shutdownTimeoutMs: config.shutdownTimeoutMs },
        'shutdown did not finish within SHUTDOWN_TIMEOUT_MS; exiting',
      );
      process.exit(0);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    server.close().then(
      () => {
        server.app.log.info({ signal }, 'web server stopped cleanly');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`web server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
