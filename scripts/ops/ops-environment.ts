/** What deploy and rollback get from the outside world, passed in so tests can drive them. */
import type { CommandRunner } from './command-runner.js';
import type { Output } from './outcome.js';

export interface OpsEnvironment {
  readonly run: CommandRunner;
  readonly out: Output;
  /** `JWT_SECRET` of the operator's environment, if set. */
  readonly jwtSecret?: string;
  /** Where confirmations are read from. */
  readonly stdin: NodeJS.ReadStream;
}
