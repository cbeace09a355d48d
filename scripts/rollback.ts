/**
 * `npm run rollback -- quick|full`: WebSocket off (quick, `--emergency` with kubectl), or the previous
 * image by digest (full); each confirms unless `--yes`, then verifies. See `--help`.
 */
import { ROLLBACK_HELP, parseRollbackArgs } from './ops/args/rollback-args.js';
import { runCommand } from './ops/command-runner.js';
import { runMain, stdoutLine } from './ops/main.js';
import { rollbackCommand } from './ops/rollback-command.js';

runMain(async (argv) => {
  const args = parseRollbackArgs(argv);
  if (args.help) {
    stdoutLine(ROLLBACK_HELP);
    return 0;
  }
  return rollbackCommand(args, {
    run: runCommand,
    out: stdoutLine,
    jwtSecret: process.env.JWT_SECRET || undefined,
    stdin: process.stdin,
  });
});
