/** `npm run verify` arguments. */
import { OpsError } from '../outcome.js';
import { DEFAULT_NAMESPACE } from '../pulumi/pulumi-project.js';
import { parseDeploymentUrl } from '../verify/deployment-url.js';
import { DEFAULT_VERIFY_USER } from '../verify/token-source.js';
import { namespaceOption, onOffOption, parseStrict, secondsOption } from './common.js';
import { CLOSE_NORMAL, POLL_INTERVAL_MS } from '../../../app/domain/wire-contract.js';

export const VERIFY_HELP = `Usage: npm run verify -- --url URL [--token JWT] [options]

Checks a running deployment end to end and prints one line per check, starting with PASS or FAIL:
  health              GET /health answers 200 {"status":"ok"}
  ready               GET /ready answers 200 (the web server reaches Redis)
  config              GET /config matches --websocket, pollIntervalMs ${POLL_INTERVAL_MS}
  websocket-job       a 3-row CSV is uploaded and its job watched over /ws/jobs/{id} (subprotocol
                      bearer) through to its terminal state and the close code ${CLOSE_NORMAL}
  job-result          GET /jobs/{id}/result is the CSV with a personalized_line column
With an https:// URL (the WebSocket is then wss://), also:
  hsts                GET /health carries Strict-Transport-Security
With --origin ORIGIN (a frontend on another origin), also:
  cors-preflight      the preflight of POST /jobs from ORIGIN answers 2xx with Access-Control-Allow-Origin
                      ORIGIN and Authorization and Content-Type allowed; the job's WebSocket is opened
                      with Origin ORIGIN, as that page would
With --websocket off, instead of websocket-job:
  websocket-disabled  the upgrade is refused with 503 WEBSOCKET_DISABLED
  polling-job         the job is followed by polling GET /jobs/{id}/progress, as the page does
With --kubectl, also pods-web, pods-rq-worker, pods-redis (all pods ready) and logs-web,
logs-rq-worker, logs-redis (no error lines in the last 200 lines of each pod); without a redis
StatefulSet (REDIS=external, Memorystore) the two Redis checks pass saying so.

Options:
  --url URL            the deployment, e.g. http://127.0.0.1:8080 or https://api.example.com (required)
  --origin ORIGIN      a frontend's origin to check CORS for, e.g. https://app.example.com
  --token JWT          token for the job checks; default: minted for user "${DEFAULT_VERIFY_USER}" from
                       JWT_SECRET (or, for a 127.0.0.1 URL, the secret of the local stack of npm start)
  --user NAME          user of the minted token (default ${DEFAULT_VERIFY_USER})
  --websocket on|off   whether WebSocket should be on (default on)
  --timeout SECONDS    longest wait for the job to finish (default 60)
  --settle SECONDS     retry health and ready for this long while a new load balancer settles
                       (default 0: try once; deploy and rollback use 120)
  --kubectl            also check pods and logs with kubectl
  --namespace NS       namespace for --kubectl (default ${DEFAULT_NAMESPACE})
  --help               this text

Exit status: 0 when every check passed, 1 when one failed, 2 for bad arguments.`;

export interface VerifyArgs {
  readonly help: boolean;
  readonly url: string;
  readonly token?: string;
  readonly user: string;
  readonly websocket: boolean;
  readonly timeoutMs: number;
  readonly settleMs: number;
  readonly kubectlNamespace?: string;
  readonly origin?: string;
}

export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  const { values } = parseStrict(
    argv,
    {
      url: { type: 'string' },
      token: { type: 'string' },
      user: { type: 'string', default: DEFAULT_VERIFY_USER },
      websocket: { type: 'string', default: 'on' },
      timeout: { type: 'string', default: '60' },
      settle: { type: 'string', default: '0' },
      kubectl: { type: 'boolean', default: false },
      namespace: { type: 'string', default: DEFAULT_NAMESPACE },
      origin: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    VERIFY_HELP,
  );
  if (values.help) return { help: true, url: '', user: values.user, websocket: true, timeoutMs: 0, settleMs: 0 };
  if (!values.url) throw new OpsError('USAGE', `--url is required.\n\n${VERIFY_HELP}`);
  return {
    help: false,
    url: parseDeploymentUrl(values.url),
    token: values.token,
    user: values.user,
    websocket: onOffOption('websocket', values.websocket, VERIFY_HELP),
    timeoutMs: secondsOption('timeout', values.timeout, VERIFY_HELP),
    settleMs: secondsOption('settle', values.settle, VERIFY_HELP, true),
    kubectlNamespace: values.kubectl ? namespaceOption(values.namespace, VERIFY_HELP) : undefined,
    ...(values.origin === undefined ? {} : { origin: originOption(values.origin) }),
  };
}

/** An origin exactly as a browser sends it (`https://app.example.com`: no path, no trailing slash). */
function originOption(raw: string): string {
  let origin: string | undefined;
  try {
    origin = new URL(raw).origin;
  } catch {
    origin = undefined;
  }
  if (origin !== raw)
    throw new OpsError(
      'USAGE',
      `--origin must be an origin like https://app.example.com (no path or trailing "/"), got "${raw}".\n\n${VERIFY_HELP}`,
    );
  return raw;
}
