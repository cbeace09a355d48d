/**
 * `npm run verify -- --url URL [--token JWT]`: checks a running deployment end to end; one
 * `PASS`/`FAIL` line per check on stdout, exit 0 only when all pass. See `--help`.
 */
import { VERIFY_HELP, parseVerifyArgs } from './ops/args/verify-args.js';
import { runCommand } from './ops/command-runner.js';
import { runMain, stdoutLine } from './ops/main.js';
import { isLoopback } from './ops/verify/deployment-url.js';
import { allPassed, runVerify } from './ops/verify/run-verify.js';
import { resolveToken } from './ops/verify/token-source.js';
import { readLocalSecret } from './local-stack/local-secret.js';

runMain(async (argv) => {
  const args = parseVerifyArgs(argv);
  if (args.help) {
    stdoutLine(VERIFY_HELP);
    return 0;
  }
  // The local stack of `npm start` keeps its secret under .data/; only a loopback URL can be that stack.
  const secret = process.env.JWT_SECRET || (isLoopback(args.url) ? readLocalSecret() : undefined);
  const token = await resolveToken({ token: args.token, secret, user: args.user });
  const results = await runVerify(
    {
      baseUrl: args.url,
      token,
      websocket: args.websocket,
      timeoutMs: args.timeoutMs,
      settleMs: args.settleMs,
      kubectlNamespace: args.kubectlNamespace,
      origin: args.origin,
    },
    runCommand,
    stdoutLine,
  );
  const failed = results.filter((r) => !r.ok).length;
  // The summary goes to stderr: stdout holds only PASS/FAIL lines, as the contract promises.
  process.stderr.write(`verify: ${results.length - failed} passed, ${failed} failed\n`);
  return allPassed(results) ? 0 : 1;
});
