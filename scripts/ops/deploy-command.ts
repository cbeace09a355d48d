/** `npm run deploy`: preflight, plan, confirmation, `pulumi up`, verify. */
import type { DeployArgs } from './args/deploy-args.js';
import { assertCanConfirm, confirmOrThrow } from './confirm.js';
import type { OpsEnvironment } from './ops-environment.js';
import { OpsError } from './outcome.js';
import { executePlan, printPlan } from './plan.js';
import { pulumiPreflight, runPreflight } from './preflight.js';
import { CONFIG_KEYS, DEFAULT_NAMESPACE } from './pulumi/pulumi-project.js';
import { deployPlan } from './pulumi/stack-plans.js';
import { readConfigValue } from './pulumi/stack-reads.js';
import { verifyAfterChange } from './verify-after-change.js';

/** Answers the exit status; expected failures are thrown as `OpsError`. */
export async function deployCommand(args: DeployArgs, env: OpsEnvironment): Promise<number> {
  const { run, out } = env;
  if (!args.preview) assertCanConfirm(args.yes, env.stdin);
  const details = await runPreflight(pulumiPreflight({ stack: args.stack }), run, out);
  const target = { stack: details.get('pulumi-stack') ?? args.stack };
  const pinned = await readConfigValue(target, CONFIG_KEYS.imageDigestOverride, run);
  const steps = deployPlan({ target, clearImageOverride: pinned !== undefined, previewOnly: args.preview });

  if (pinned) out(`note: stack ${target.stack} is pinned to ${pinned} by an earlier 'rollback full'; this deploy clears the pin.`);
  printPlan(`${args.preview ? 'Preview' : 'Deploy'} stack ${target.stack}:`, steps, out);
  if (!args.preview && !args.skipVerify) out('  then verify the deployment (npm run verify).');
  if (!args.preview) await confirmOrThrow('Deploy?', args.yes, env.stdin);
  await executePlan(steps, run, out);
  if (args.preview || args.skipVerify) return 0;

  // The namespace matters only to the kubectl checks: ask the stack for it only then.
  const namespace = args.kubectl
    ? args.namespace ?? (await readConfigValue(target, CONFIG_KEYS.namespace, run)) ?? DEFAULT_NAMESPACE
    : undefined;
  const websocket = (await readConfigValue(target, CONFIG_KEYS.enableWebsocket, run)) !== 'false';
  const passed = await verifyAfterChange({
    url: args.url,
    token: args.token,
    jwtSecret: env.jwtSecret,
    websocket,
    timeoutMs: args.timeoutMs,
    kubectlNamespace: namespace,
    stack: target,
  }, run, out);
  if (!passed) {
    throw new OpsError('FAILED', 'Deployed, but verify failed (see the FAIL lines above). To go back: '
      + 'npm run rollback -- quick (WebSocket off, clients poll) or npm run rollback -- full (the previous image).');
  }
  out(`Deployed and verified stack ${target.stack}.`);
  return 0;
}
