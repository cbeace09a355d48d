/**
 * verify: every check against one deployment, in a fixed order, each printed as soon as it is known.
 * Shared by `npm run verify` and by deploy/rollback, which verify what they changed.
 */
import type { CommandRunner } from '../command-runner.js';
import type { Output } from '../outcome.js';
import { CheckFailure, formatCheck, runCheck, type CheckResult } from './check-result.js';
import { checkCorsPreflight, checkHsts } from './edge-checks.js';
import { checkConfig, checkHealth, checkReady } from './http-checks.js';
import { checkPollingJob, checkWebsocketDisabled, checkWebsocketJob } from './job-checks.js';
import { runKubectlChecks } from './kubectl-checks.js';
import { realClock, untilPassing, type SettleClock } from './settle.js';
import { checkJobResult } from './tiny-job.js';

export interface VerifyOptions {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  readonly token: string;
  /** Whether WebSocket should be on; off checks the refusal and the polling fallback instead. */
  readonly websocket: boolean;
  /** Longest wait for the tiny job to finish. */
  readonly timeoutMs: number;
  /** Also check pods and logs with kubectl in this namespace. */
  readonly kubectlNamespace?: string;
  /** A frontend's origin: check its CORS preflight, and open the job's WebSocket as that page would. */
  readonly origin?: string;
  /**
   * How long `health` and `ready` are retried while a new address settles (settle.ts).
   * @default 0 (each tried once)
   */
  readonly settleMs?: number;
  /** @default the real clock */
  readonly clock?: SettleClock;
}

/** Runs the checks, writing one `PASS`/`FAIL` line each to `out`; answers all results. */
export async function runVerify(options: VerifyOptions, run: CommandRunner, out: Output): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const record = (result: CheckResult): void => {
    results.push(result);
    out(formatCheck(result));
  };
  const { baseUrl, token } = options;
  const job = { baseUrl, token, timeoutMs: options.timeoutMs, origin: options.origin };

  // One budget for both: health answers as soon as the address routes, ready once Redis does too.
  const clock = options.clock ?? realClock;
  const settleBy = clock.now() + (options.settleMs ?? 0);
  record(await untilPassing(() => runCheck('health', () => checkHealth(baseUrl)), settleBy, clock));
  record(await untilPassing(() => runCheck('ready', () => checkReady(baseUrl)), settleBy, clock));
  record(await runCheck('config', () => checkConfig(baseUrl, options.websocket)));
  if (baseUrl.startsWith('https:')) record(await runCheck('hsts', () => checkHsts(baseUrl)));
  const { origin } = options;
  if (origin !== undefined) record(await runCheck('cors-preflight', () => checkCorsPreflight(baseUrl, origin)));

  let finishedJob: string | undefined;
  const remember = (answer: { detail: string; jobId: string }): string => {
    finishedJob = answer.jobId;
    return answer.detail;
  };
  if (options.websocket) {
    record(await runCheck('websocket-job', async () => remember(await checkWebsocketJob(job))));
  } else {
    record(await runCheck('websocket-disabled', () => checkWebsocketDisabled(job)));
    record(await runCheck('polling-job', async () => remember(await checkPollingJob(job))));
  }
  record(
    await runCheck('job-result', async () => {
      if (!finishedJob) throw new CheckFailure('no finished job to read (see the job check above)');
      return checkJobResult(baseUrl, token, finishedJob);
    }),
  );

  if (options.kubectlNamespace) {
    for (const result of await runKubectlChecks(options.kubectlNamespace, run)) record(result);
  }
  return results;
}

/** True when every check passed. */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.length > 0 && results.every((r) => r.ok);
}
