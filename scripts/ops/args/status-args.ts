/** `npm run status` arguments. */
import { METRIC } from '../../../app/domain/metric-names.js';
import { OpsError } from '../outcome.js';
import { parseDeploymentUrl } from '../verify/deployment-url.js';
import { parseStrict, secondsOption } from './common.js';

export const STATUS_HELP = `Usage: npm run status -- --url URL [--interval SECONDS] [--json | --watch]

Shows what a deployment is doing now, from two scrapes of GET /metrics a few seconds apart:
open WebSocket connections (${METRIC.wsConnectionsOpen}), frames sent per second (${METRIC.wsFramesSent}),
polling requests per second (${METRIC.httpRequests}, GET of /jobs, /jobs/{id}, /jobs/{id}/progress),
all requests per second, the delivery p99 over the interval (${METRIC.deliveryLatency}),
jobs waiting, running and failed in the last hour (queue_jobs_*), whether WebSocket is on
(GET /config) and Redis health (GET /ready).
Metrics are per web pod: with several replicas behind the load balancer, the two scrapes may reach
different pods; use kubectl port-forward to one pod for exact numbers.

Options:
  --url URL            the deployment, e.g. http://127.0.0.1:8080 (required)
  --interval SECONDS   time between the two scrapes (default 5)
  --json               print the report as JSON
  --watch              redraw the view every interval until Ctrl-C (exit 0)
  --help               this text

Exit status: 0 when /metrics answered and Redis is ready, 1 otherwise, 2 for bad arguments.`;

export interface StatusArgs {
  readonly help: boolean;
  readonly url: string;
  readonly intervalMs: number;
  readonly json: boolean;
  readonly watch: boolean;
}

export function parseStatusArgs(argv: readonly string[]): StatusArgs {
  const { values } = parseStrict(
    argv,
    {
      url: { type: 'string' },
      interval: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    STATUS_HELP,
  );
  if (values.help) return { help: true, url: '', intervalMs: 0, json: false, watch: false };
  if (!values.url) throw new OpsError('USAGE', `--url is required.\n\n${STATUS_HELP}`);
  if (values.json && values.watch)
    throw new OpsError('USAGE', `--json and --watch do not go together.\n\n${STATUS_HELP}`);
  return {
    help: false,
    url: parseDeploymentUrl(values.url),
    intervalMs: secondsOption('interval', values.interval, STATUS_HELP),
    json: values.json,
    watch: values.watch,
  };
}
