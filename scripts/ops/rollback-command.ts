/** `npm run rollback -- quick|full`: preflight, plan, confirmation, the change, verify. */
import type { RollbackArgs } from './args/rollback-args.js';
import { assertCanConfirm, confirmOrThrow } from './confirm.js';
import type { OpsEnvironment } from './ops-environment.js';
import { OpsError } from './outcome.js';
import { executePlan, printPlan, type Step } from './plan.js';
import { kubectlPreflight, pulumiPreflight, runPreflight } from './preflight.js';
import { CONFIG_KEYS, DEFAULT_NAMESPACE, OUTPUT_NAMES, isDigestReference, type StackTarget } from './pulumi/pulumi-project.js';
import { findPreviousImage } from './pulumi/stack-history.js';
import { emergencyRollbackPlan, fullRollbackPlan, quickRollbackPlan } from './pulumi/stack-plans.js';
import { readConfigValue, readStackOutputs } from './pulumi/stack-reads.js';
import { verifyAfterChange, type VerifyAfterChangeOptions } from './verify-after-change.js';

/** Answers the exit status; expected failures are thrown as `OpsError`. */
export async function rollbackCommand(args: RollbackArgs, env: OpsEnvironment): Promise<number> {
  assertCanConfirm(args.yes, env.stdin);
  switch (args.mode) {
    case 'quick':
      return quickRollback(args, env);
    case 'emergency':
      return emergencyRollback(args, env);
    case 'full':
      return fullRollback(args, env);
  }
}

async function quickRollback(args: RollbackArgs, env: OpsEnvironment): Promise<number> {
  const target = await pulumiTarget(args, env);
  // Pin what runs now (unless a pin exists), so the rollout changes ENABLE_WEBSOCKET and nothing else.
  const pinned = await readConfigValue(target, CONFIG_KEYS.imageDigestOverride, env.run);
  const running = pinned ? undefined : await runningImage(target, env);
  await change(`Quick rollback of stack ${target.stack}: WebSocket off, clients fall back to polling.`, quickRollbackPlan(target, running), args, env);
  if (running) env.out(`note: the stack stays pinned to ${running} (${CONFIG_KEYS.imageDigestOverride}) until the next npm run deploy clears it.`);
  env.out(`note: to turn WebSocket back on: pulumi config set ${CONFIG_KEYS.enableWebsocket} true, then npm run deploy.`);
  return verifyOrThrow(args, env, { websocket: false, stack: target }, await namespaceOf(args, target, env));
}

/** The stack's image output when it is a digest reference. */
async function runningImage(target: StackTarget, env: OpsEnvironment): Promise<string | undefined> {
  const image = (await readStackOutputs(target, env.run))[OUTPUT_NAMES.image];
  return typeof image === 'string' && isDigestReference(image) ? image : undefined;
}

async function emergencyRollback(args: RollbackArgs, env: OpsEnvironment): Promise<number> {
  const namespace = args.namespace ?? DEFAULT_NAMESPACE;
  await runPreflight(kubectlPreflight(namespace), env.run, env.out);
  await change(`Emergency quick rollback in namespace ${namespace} (kubectl, no Pulumi): WebSocket off, clients fall back to polling.`,
    emergencyRollbackPlan(namespace), args, env);
  env.out(`note: the stack's config is unchanged, so the next pulumi up (npm run deploy) restores ENABLE_WEBSOCKET from ${CONFIG_KEYS.enableWebsocket}. `
    + 'To keep WebSocket off through the next deploy, run: npm run rollback -- quick');
  return verifyOrThrow(args, env, { websocket: false, serviceNamespace: namespace }, namespace);
}

async function fullRollback(args: RollbackArgs, env: OpsEnvironment): Promise<number> {
  const target = await pulumiTarget(args, env);
  const currentImage = await runningImage(target, env);
  let image = args.image;
  if (!image) {
    if (!currentImage) throw new OpsError('FAILED', `The stack has no "${OUTPUT_NAMES.image}" output (repository@sha256:…) to compare history with; pass --image.`);
    const found = await findPreviousImage(target, currentImage, env.run, env.out);
    env.out(`previous image: ${found.image} (stack version ${found.version})`);
    image = found.image;
  }
  if (image === currentImage) throw new OpsError('FAILED', `${image} is already the running image; nothing to roll back to.`);
  await change(`Full rollback of stack ${target.stack}: from ${currentImage ?? 'unknown'} to ${image}, without rebuilding.`,
    fullRollbackPlan(target, image), args, env);
  env.out(`note: the stack stays pinned to ${image} (${CONFIG_KEYS.imageDigestOverride}) until the next npm run deploy clears it.`);
  if (args.skipVerify) return 0;
  const websocket = (await readConfigValue(target, CONFIG_KEYS.enableWebsocket, env.run)) !== 'false';
  return verifyOrThrow(args, env, { websocket, stack: target }, await namespaceOf(args, target, env));
}

/** Preflight for the Pulumi rollbacks; answers the stack they operate on. */
async function pulumiTarget(args: RollbackArgs, env: OpsEnvironment): Promise<StackTarget> {
  const details = await runPreflight(pulumiPreflight({ stack: args.stack }), env.run, env.out);
  return { stack: details.get('pulumi-stack') ?? args.stack };
}

/** Prints the plan, asks (unless --yes), runs it. */
async function change(title: string, steps: readonly Step[], args: RollbackArgs, env: OpsEnvironment): Promise<void> {
  printPlan(title, steps, env.out);
  if (!args.skipVerify) env.out('  then verify the deployment.');
  await confirmOrThrow('Roll back?', args.yes, env.stdin);
  await executePlan(steps, env.run, env.out);
}

/** `--namespace`, else the stack's config, else the default. */
async function namespaceOf(args: RollbackArgs, target: StackTarget, env: OpsEnvironment): Promise<string> {
  if (args.namespace) return args.namespace;
  if (!args.kubectl) return DEFAULT_NAMESPACE; // unused without --kubectl: spare the pulumi call
  return (await readConfigValue(target, CONFIG_KEYS.namespace, env.run)) ?? DEFAULT_NAMESPACE;
}

async function verifyOrThrow(
  args: RollbackArgs,
  env: OpsEnvironment,
  options: Pick<VerifyAfterChangeOptions, 'websocket' | 'stack' | 'serviceNamespace'>,
  namespace: string,
): Promise<number> {
  if (args.skipVerify) return 0;
  const passed = await verifyAfterChange({
    ...options,
    url: args.url,
    token: args.token,
    jwtSecret: env.jwtSecret,
    timeoutMs: args.timeoutMs,
    kubectlNamespace: args.kubectl ? namespace : undefined,
  }, env.run, env.out);
  if (!passed) throw new OpsError('FAILED', 'Rolled back, but verify failed (see the FAIL lines above). Check the runbook\'s troubleshooting section.');
  env.out('Rolled back and verified.');
  return 0;
}
