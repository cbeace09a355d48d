/** `npm run deploy` arguments. */
import { OpsError } from '../outcome.js';
import { DEFAULT_NAMESPACE } from '../pulumi/pulumi-project.js';
import { parseDeploymentUrl } from '../verify/deployment-url.js';
import { namespaceOption, onOffOption, parseStrict, secondsOption } from './common.js';

export const DEPLOY_HELP = `Usage: npm run deploy -- [--stack NAME] [--yes] [options]

Deploys this checkout with the Pulumi program (Pulumi.yaml, infra/pulumi/), then verifies the deployment:
  1. preflight: the Pulumi CLI, a Pulumi login, the stack, gcloud with an active account,
     Application Default Credentials and gke-gcloud-auth-plugin; then the stack's config home (its
     ESC environment opens, and Pulumi.<stack>.yaml does not shadow it) and the project's gcr.io
     redirection. Each missing piece is named with the command that fixes it, nothing changes until
     all are there, and the IAM roles the deployer needs are listed
  2. shows the plan and asks for confirmation (unless --yes)
  3. with --websocket or --unpin, writes that to the config home
  4. pulumi up --refresh: builds and pushes the image, rolls out web and rq-worker by digest; a
     rollback's pin (personalizedline:imageDigestOverride) stays until --unpin, so a deploy after
     a rollback keeps the rolled-back image and builds nothing
  5. verify against the stack's healthUrl output (see npm run verify -- --help)
With --preview: preflight, then pulumi preview --diff against the running image (nothing changes).

Options:
  --stack NAME         Pulumi stack (default: the selected one)
  --yes                do not ask for confirmation (needed without a terminal, e.g. in CI)
  --preview            only preview the changes (pulumi preview --diff); no confirmation needed
  --config-file FILE   with --preview: the stack file to preview with instead of Pulumi.<stack>.yaml
                       (CI's read-only preview names the settings environment only)
  --unpin              release a rollback's pin: build and deploy this checkout's image again
  --websocket on|off   set personalizedline:enableWebsocket in the config home first (on undoes
                       'rollback quick')
  --skip-verify        do not verify after pulumi up
  --url URL            verify this URL instead of the stack's output
  --token JWT          token for verify; default: minted from JWT_SECRET or the stack's jwtSecret
  --timeout SECONDS    verify's longest wait for its job (default 120)
  --settle SECONDS     how long verify retries health and ready while the load balancer settles
                       (default 120)
  --kubectl            verify also pods and logs with kubectl
  --namespace NS       namespace for --kubectl (default: the stack's personalizedline:namespace, else ${DEFAULT_NAMESPACE})
  --help               this text

Exit status: 0 deployed and verified; 1 a step or a check failed; 2 bad arguments or no terminal
for the confirmation; 3 preflight found problems (nothing changed); 4 cancelled.`;

export interface DeployArgs {
  readonly help: boolean;
  readonly stack?: string;
  readonly yes: boolean;
  readonly preview: boolean;
  /** `--config-file`, with `--preview` only. */
  readonly configFile?: string;
  readonly unpin: boolean;
  /** `--websocket`; undefined leaves the setting as it is. */
  readonly websocket?: boolean;
  readonly skipVerify: boolean;
  readonly url?: string;
  readonly token?: string;
  readonly timeoutMs: number;
  readonly settleMs: number;
  readonly kubectl: boolean;
  readonly namespace?: string;
}

export function parseDeployArgs(argv: readonly string[]): DeployArgs {
  const { values } = parseStrict(
    argv,
    {
      stack: { type: 'string' },
      yes: { type: 'boolean', default: false },
      preview: { type: 'boolean', default: false },
      'config-file': { type: 'string' },
      unpin: { type: 'boolean', default: false },
      websocket: { type: 'string' },
      'skip-verify': { type: 'boolean', default: false },
      url: { type: 'string' },
      token: { type: 'string' },
      timeout: { type: 'string', default: '120' },
      settle: { type: 'string', default: '120' },
      kubectl: { type: 'boolean', default: false },
      namespace: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    DEPLOY_HELP,
  );
  const usage = (message: string): OpsError => new OpsError('USAGE', `${message}\n\n${DEPLOY_HELP}`);
  if (values['config-file'] !== undefined && !values.preview) throw usage('--config-file applies to --preview only.');
  if (values.preview && (values.unpin || values.websocket !== undefined))
    throw usage('--preview changes nothing; --unpin and --websocket do not apply.');
  return {
    help: values.help,
    stack: values.stack,
    yes: values.yes,
    preview: values.preview,
    configFile: values['config-file'],
    unpin: values.unpin,
    websocket: values.websocket === undefined ? undefined : onOffOption('websocket', values.websocket, DEPLOY_HELP),
    skipVerify: values['skip-verify'],
    url: values.url === undefined ? undefined : parseDeploymentUrl(values.url),
    token: values.token,
    timeoutMs: secondsOption('timeout', values.timeout, DEPLOY_HELP),
    settleMs: secondsOption('settle', values.settle, DEPLOY_HELP, true),
    kubectl: values.kubectl,
    namespace: values.namespace === undefined ? undefined : namespaceOption(values.namespace, DEPLOY_HELP),
  };
}
