/** `npm run deploy` arguments. */
import { DEFAULT_NAMESPACE } from '../pulumi/pulumi-project.js';
import { parseDeploymentUrl } from '../verify/deployment-url.js';
import { namespaceOption, parseStrict, secondsOption } from './common.js';

export const DEPLOY_HELP = `Usage: npm run deploy -- [--stack NAME] [--yes] [options]

Deploys this checkout with the Pulumi program (Pulumi.yaml, infra/pulumi/), then verifies the deployment:
  1. preflight: the Pulumi CLI, a Pulumi login, the stack, gcloud with an active account,
     Application Default Credentials and gke-gcloud-auth-plugin; each missing piece is named with
     the command that fixes it, and nothing changes until all are there
  2. shows the plan and asks for confirmation (unless --yes)
  3. clears a rollback pin (personalizedline:imageDigestOverride) left by 'rollback full', if any
  4. pulumi up: builds and pushes the image, rolls out web and rq-worker by digest
  5. verify against the stack's healthUrl output (see npm run verify -- --help)

Options:
  --stack NAME         Pulumi stack (default: the selected one)
  --yes                do not ask for confirmation (needed without a terminal, e.g. in CI)
  --preview            only preview the changes (pulumi preview --diff); no confirmation needed
  --skip-verify        do not verify after pulumi up
  --url URL            verify this URL instead of the stack's output
  --token JWT          token for verify; default: minted from JWT_SECRET or the stack's jwtSecret
  --timeout SECONDS    verify's longest wait for its job (default 120)
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
  readonly skipVerify: boolean;
  readonly url?: string;
  readonly token?: string;
  readonly timeoutMs: number;
  readonly kubectl: boolean;
  readonly namespace?: string;
}

export function parseDeployArgs(argv: readonly string[]): DeployArgs {
  const { values } = parseStrict(argv, {
    stack: { type: 'string' },
    yes: { type: 'boolean', default: false },
    preview: { type: 'boolean', default: false },
    'skip-verify': { type: 'boolean', default: false },
    url: { type: 'string' },
    token: { type: 'string' },
    timeout: { type: 'string', default: '120' },
    kubectl: { type: 'boolean', default: false },
    namespace: { type: 'string' },
    help: { type: 'boolean', default: false },
  }, DEPLOY_HELP);
  return {
    help: values.help,
    stack: values.stack,
    yes: values.yes,
    preview: values.preview,
    skipVerify: values['skip-verify'],
    url: values.url === undefined ? undefined : parseDeploymentUrl(values.url),
    token: values.token,
    timeoutMs: secondsOption('timeout', values.timeout, DEPLOY_HELP),
    kubectl: values.kubectl,
    namespace: values.namespace === undefined ? undefined : namespaceOption(values.namespace, DEPLOY_HELP),
  };
}
