/**
 * `npm run status -- --url URL`: WebSocket connections, frames per second, polling request rate and
 * Redis health of a running deployment. See `--help`.
 */
import { STATUS_HELP, parseStatusArgs } from './ops/args/status-args.js';
import { runMain, stdoutLine } from './ops/main.js';
import { collectStatus } from './ops/status/collect-status.js';
import { formatStatusReport } from './ops/status/status-report.js';

runMain(async (argv) => {
  const args = parseStatusArgs(argv);
  if (args.help) {
    stdoutLine(STATUS_HELP);
    return 0;
  }
  const report = await collectStatus(args.url, args.intervalMs);
  if (args.json) stdoutLine(JSON.stringify(report, null, 2));
  else for (const line of formatStatusReport(report)) stdoutLine(line);
  return report.redis.ready ? 0 : 1;
});
