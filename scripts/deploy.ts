/**
 * `npm run deploy`: preflight, `pulumi up` of infra/pulumi, then verify. See `--help`.
 */
import { DEPLOY_HELP, parseDeployArgs } from './ops/args/deploy-args.js';
import { runCommand } from './ops/command-runner.js';
import { deployCommand } from './ops/deploy-command.js';
import { runMain, stdoutLine } from './ops/main.js';

runMain(async (argv) => {
  const args = parseDeployArgs(argv);
  if (args.help) {
    stdoutLine(DEPLOY_HELP);
    return 0;
  }
  return deployCommand(args, {
    run: runCommand,
    out: stdoutLine,
    jwtSecret: process.env.JWT_SECRET || undefined,
    stdin: process.stdin,
  });
});
