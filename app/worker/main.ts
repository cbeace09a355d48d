/** `npm run worker`: the worker process, configured only by the environment. */
import { configFromEnvOrExit } from '../config-from-env.js';
import { startWorkerProcess } from './worker-process.js';

async function main(): Promise<void> {
  const config = configFromEnvOrExit();
  const worker = await startWorkerProcess(config);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    worker.log.info({ signal }, 'worker stopping; running jobs get a moment to finish');
    worker.close(config.shutdownTimeoutMs).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
