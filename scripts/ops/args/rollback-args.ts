/** `npm run rollback` arguments. */
import { OpsError } from '../outcome.js';
import { DEFAULT_NAMESPACE, isDigestReference } from '../pulumi/pulumi-project.js';
import { parseDeploymentUrl } from '../verify/deployment-url.js';
import { namespaceOption, parseStrict, secondsOption } from './common.js';

export const ROLLBACK_HELP = `Usage: npm run rollback -- quick|full [--yes] [options]

quick    Turn WebSocket off; the page falls back to polling every 2 s. Sets
         personalizedline:enableWebsocket=false in the stack's config home (its ESC environment),
         pins the running image there (imageDigestOverride, so nothing is rebuilt from your
         checkout) and runs pulumi up, which rolls the web pods. Then verifies the fallback (verify
         --websocket off). Both settings survive later deploys, CI's included. To undo:
         npm run deploy -- --websocket on [--unpin].
quick --emergency
         The same without Pulumi: kubectl set env deployment/web ENABLE_WEBSOCKET=false, then waits
         for the rollout. The config home is unchanged, so the next pulumi up (npm run deploy, or
         CI's) turns WebSocket back on; run 'npm run rollback -- quick' afterwards to make it stick.
full     Redeploy the previous image by digest, without rebuilding: finds the newest successful
         release in 'pulumi stack history' whose image differs from the running one, pins it with
         personalizedline:imageDigestOverride in the config home and runs pulumi up. Then verifies.
         The pin stays through later deploys (CI's too) until npm run deploy -- --unpin.

Each prints the plan and asks for confirmation unless --yes. Preflight checks the tools first.

Options:
  --yes                do not ask for confirmation (needed without a terminal, e.g. in CI)
  --stack NAME         Pulumi stack (default: the selected one)
  --emergency          quick only: use kubectl instead of Pulumi
  --namespace NS       namespace for --emergency and --kubectl (default: the stack's
                       personalizedline:namespace, else ${DEFAULT_NAMESPACE})
  --image REF          full only: roll back to this image (repository@sha256:<digest>) instead of
                       searching the history (needed when the Pulumi backend cannot export old versions)
  --skip-verify        do not verify afterwards
  --url URL            verify this URL (default: the stack's output, or with --emergency the web
                       Service's load balancer IP)
  --token JWT          token for verify; default: minted from JWT_SECRET or the stack's jwtSecret
  --timeout SECONDS    verify's longest wait for its job (default 120)
  --settle SECONDS     how long verify retries health and ready while the load balancer settles
                       (default 120)
  --kubectl            verify also pods and logs with kubectl
  --help               this text

Exit status: 0 rolled back and verified; 1 a step or a check failed; 2 bad arguments or no
terminal for the confirmation; 3 preflight found problems (nothing changed); 4 cancelled.`;

export type RollbackMode = 'quick' | 'emergency' | 'full';

export interface RollbackArgs {
  readonly help: boolean;
  readonly mode: RollbackMode;
  readonly yes: boolean;
  readonly stack?: string;
  /** `--namespace`; undefined: the stack's, else the default. */
  readonly namespace?: string;
  readonly image?: string;
  readonly skipVerify: boolean;
  readonly url?: string;
  readonly token?: string;
  readonly timeoutMs: number;
  readonly settleMs: number;
  readonly kubectl: boolean;
}

export function parseRollbackArgs(argv: readonly string[]): RollbackArgs {
  const { values, positionals } = parseStrict(
    argv,
    {
      yes: { type: 'boolean', default: false },
      stack: { type: 'string' },
      emergency: { type: 'boolean', default: false },
      namespace: { type: 'string' },
      image: { type: 'string' },
      'skip-verify': { type: 'boolean', default: false },
      url: { type: 'string' },
      token: { type: 'string' },
      timeout: { type: 'string', default: '120' },
      settle: { type: 'string', default: '120' },
      kubectl: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    ROLLBACK_HELP,
    true,
  );
  const usage = (message: string): OpsError => new OpsError('USAGE', `${message}\n\n${ROLLBACK_HELP}`);
  const base = {
    yes: values.yes,
    stack: values.stack,
    namespace: values.namespace === undefined ? undefined : namespaceOption(values.namespace, ROLLBACK_HELP),
    skipVerify: values['skip-verify'],
    url: values.url === undefined ? undefined : parseDeploymentUrl(values.url),
    token: values.token,
    timeoutMs: secondsOption('timeout', values.timeout, ROLLBACK_HELP),
    settleMs: secondsOption('settle', values.settle, ROLLBACK_HELP, true),
    kubectl: values.kubectl,
  };
  if (values.help) return { ...base, help: true, mode: 'quick' };
  if (positionals.length !== 1 || (positionals[0] !== 'quick' && positionals[0] !== 'full')) {
    throw usage(`Say which rollback: quick or full (got ${positionals.length ? positionals.join(' ') : 'nothing'}).`);
  }
  const kind = positionals[0];
  if (kind === 'full' && values.emergency) throw usage('--emergency applies to quick only.');
  if (kind === 'quick' && values.image !== undefined) throw usage('--image applies to full only.');
  if (values.image !== undefined && !isDigestReference(values.image)) {
    throw usage(`--image must name an image by digest (repository@sha256:<64 hex>), got "${values.image}".`);
  }
  if (values.emergency && values.stack !== undefined)
    throw usage('--emergency does not use Pulumi; --stack does not apply.');
  return {
    ...base,
    help: false,
    mode: kind === 'full' ? 'full' : values.emergency ? 'emergency' : 'quick',
    image: values.image,
  };
}
