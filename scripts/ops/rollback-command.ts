/** `npm run rollback -- quick|full`: preflight, plan, confirmation, the change, verify. */
import type { RollbackArgs } from './args/rollback-args.js';
import { assertCanConfirm, confirmOrThrow } from './confirm.js';
import type { OpsEnvironment } from './ops-environment.js';
import { OpsError } from './outcome.js';
import { executePlan, printPlan, type Step } from './plan.js';
import { kubectlPreflight, runPreflight } from './preflight.js';
import { stackFileNote, type ConfigHome } from './pulumi/config-home.js';
import {
  CONFIG_KEYS,
  DEFAULT_NAMESPACE,
  OUTPUT_NAMES,
  isDigestReference,
  type StackTarget,
} from './pulumi/pulumi-project.js';
import { findPreviousImage } from './pulumi/stack-history.js';
import { emergencyRollbackPlan, fullRollbackPlan, quickRollbackPlan } from './pulumi/stack-plans.js';
import { readConfigValue, readStackOutputs } from './pulumi/stack-reads.js';
import { establishStack } from './stack-context.js';
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
  const { target, home } = await establishStack({ stack: args.stack, forDeploy: false }, env);
  // Pin what runs now (unless a pin exists), so the rollout changes ENABLE_WEBSOCKET and nothing else.
  const pinned = await readConfigValue(target, CONFIG_KEYS.imageDigestOverride, env.run);
  const running = pinned ? undefined : await runningImage(target, env);
  await change(
    `Quick rollback of stack ${target.stack}: WebSocket off, clients fall back to polling.`,
    quickRollbackPlan(target, home, running),
    args,
    env,
    home,
  );
  if (running)
    env.out(
      `note: the stack stays pinned to ${running} through later deploys (CI's too) until: npm run deploy -- --unpin`,
    );
  env.out(
    "note: WebSocket stays off through later deploys (CI's too). To turn it back on: npm run deploy -- --websocket on",
  );
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
  await change(
    `Emergency quick rollback in namespace ${namespace} (kubectl, no Pulumi): WebSocket off, clients fall back to polling.`,
    emergencyRollbackPlan(namespace),
    args,
    env,
  );
  env.out(
    `note: the config home is unchanged, so the next pulumi up (npm run deploy, or CI's) takes ENABLE_WEBSOCKET back from ${CONFIG_KEYS.enableWebsocket}. ` +
      'To keep WebSocket off through the next deploy, run: npm run rollback -- quick',
  );
  return verifyOrThrow(args, env, { websocket: false, serviceNamespace: namespace }, namespace);
}

async function fullRollback(args: RollbackArgs, env: OpsEnvironment): Promise<number> {
  const { target, home } = await establishStack({ stack: args.stack, forDeploy: false }, env);
  const currentImage = await runningImage(target, env);
  let image = args.image;
  if (!image) {
    if (!currentImage)
      throw new OpsError(
        'FAILED',
        `The stack has no "${OUTPUT_NAMES.image}" output (repository@sha256:…) to compare history with; pass --image.`,
      );
    const found = await findPreviousImage(target, currentImage, env.run, env.out);
    env.out(`previous image: ${found.image} (stack version ${found.version})`);
    image = found.image;
  }
  if (image === currentImage)
    throw new OpsError('FAILED', `${image} is already the running image; nothing to roll back to.`);
  await change(
    `Full rollback of stack ${target.stack}: from ${currentImage ?? 'unknown'} to ${image}, without rebuilding.`,
    fullRollbackPlan(target, home, image),
    args,
    env,
    home,
  );
  env.out(`note: the stack stays pinned to ${image} through later deploys (CI's too) until: npm run deploy -- --unpin`);
  if (args.skipVerify) return 0;
  const websocket = (await readConfigValue(target, CONFIG_KEYS.enableWebsocket, env.run)) !== 'false';
  return verifyOrThrow(args, env, { websocket, stack: target }, await namespaceOf(args, target, env));
}

/** Prints the plan, asks (unless --yes), runs it; says when the home is a file that must be committed. */
async function change(
  title: string,
  steps: readonly Step[],
  args: RollbackArgs,
  env: OpsEnvironment,
  home?: ConfigHome,
): Promise<void> {
  printPlan(title, steps, env.out);
  if (!args.skipVerify) env.out('  then verify the deployment.');
  await confirmOrThrow('Roll back?', args.yes, env.stdin);
  await executePlan(steps, env.run, env.out);
  const note = home ? stackFileNote(home) : undefined;
  if (note) env.out(note);
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
  const passed = await verifyAfterChange(
    {
      ...options,
      url: args.url,
      token: args.token,
      jwtSecret: env.jwtSecret,
      timeoutMs: args.timeoutMs,
      settleMs: args.settleMs,
      kubectlNamespace: args.kubectl ? namespace : undefined,
    },
    env.run,
    env.out,
  );
  if (!passed)
    throw new OpsError(
      'FAILED',
      'Rolled back, but verify failed (see the FAIL lines above). Check docs/runbook.md#troubleshooting.',
    );
  env.out('Rolled back and verified.');
  return 0;
}
