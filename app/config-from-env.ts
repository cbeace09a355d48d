/** Start-up of a process entry: the configuration from `process.env`, or one message and exit 1. */
import { ConfigError, loadConfig, type Config } from './config.js';

export function configFromEnvOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
