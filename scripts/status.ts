/**
 * `npm run status -- --url URL`: WebSocket connections, frames per second, polling request rate,
 * delivery p99, the queue and Redis health of a running deployment; `--watch` redraws it until
 * Ctrl-C. See `--help`.
 */
import { STATUS_HELP, parseStatusArgs } from './ops/args/status-args.js';
import { runMain, stdoutLine } from './ops/main.js';
import { collectStatus } from './ops/status/collect-status.js';
import { formatStatusReport } from './ops/status/status-report.js';
import { watchStatus } from './ops/status/watch-status.js';

runMain(async (argv) => {
  const args = parseStatusArgs(argv);
  if (args.help) {
    stdoutLine(STATUS_HELP);
    return 0;
  }
  if (args.watch) {
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    // On a terminal each frame replaces the last; piped, frames follow each other.
    const clear = process.stdout.isTTY ? '\x1b[2J\x1b[H' : '\n';
    await watchStatus(
      args.url,
      args.intervalMs,
      (frame) => process.stdout.write(`${clear}${frame.join('\n')}\n`),
      stop.signal,
    );
    return 0;
  }
  const report = await collectStatus(args.url, args.intervalMs);
  if (args.json) stdoutLine(JSON.stringify(report, null, 2));
  else for (const line of formatStatusReport(report)) stdoutLine(line);
  return report.redis.ready ? 0 : 1;
});
