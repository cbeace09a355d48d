/** `npm run deploy`: preflight, plan, confirmation, `pulumi up`, verify; or `--preview`. */
import { join } from 'node:path';
import type { DeployArgs } from './args/deploy-args.js';
import { assertCanConfirm, confirmOrThrow } from './confirm.js';
import type { OpsEnvironment } from './ops-environment.js';
import { OpsError } from './outcome.js';
import { executePlan, printPlan } from './plan.js';
import { pulumiPreflight, runPreflight } from './preflight.js';
import { bareStackName } from './preflight-stack.js';
import { runningStateOf, writePreviewStackFile, type TemporaryFile } from './preview-config.js';
import { stackFileName, stackFileNote } from './pulumi/config-home.js';
import { CONFIG_KEYS, DEFAULT_NAMESPACE, PULUMI_DIR, type StackTarget } from './pulumi/pulumi-project.js';
import { deployPlan, previewPlan } from './pulumi/stack-plans.js';
import { readConfigValue, readStackOutputs } from './pulumi/stack-reads.js';
import { establishStack } from './stack-context.js';
import { verifyAfterChange } from './verify-after-change.js';

/** Answers the exit status; expected failures are thrown as `OpsError`. */
export async function deployCommand(args: DeployArgs, env: OpsEnvironment): Promise<number> {
  if (args.preview) return previewCommand(args, env);
  const { run, out } = env;
  assertCanConfirm(args.yes, env.stdin);
  const { target, home } = await establishStack({ stack: args.stack, forDeploy: true }, env);
  const pinned = await readConfigValue(target, CONFIG_KEYS.imageDigestOverride, run);
  if (pinned && !args.unpin) {
    out(
      `note: stack ${target.stack} is pinned to ${pinned} by a rollback; this deploy keeps that image and builds nothing. ` +
        "To deploy this checkout's image: npm run deploy -- --unpin",
    );
  }
  if (!pinned && args.unpin) out('note: the stack is not pinned; --unpin has nothing to release.');
  const steps = deployPlan({ target, home, unpin: args.unpin && pinned !== undefined, websocket: args.websocket });

  printPlan(`Deploy stack ${target.stack}:`, steps, out);
  if (!args.skipVerify) out('  then verify the deployment (npm run verify).');
  await confirmOrThrow('Deploy?', args.yes, env.stdin);
  await executePlan(steps, run, out);
  const note = steps.length > 1 ? stackFileNote(home) : undefined;
  if (note) out(note);
  if (args.skipVerify) return 0;

  // The namespace matters only to the kubectl checks: ask the stack for it only then.
  const namespace = args.kubectl
    ? (args.namespace ?? (await readConfigValue(target, CONFIG_KEYS.namespace, run)) ?? DEFAULT_NAMESPACE)
    : undefined;
  const websocket = (await readConfigValue(target, CONFIG_KEYS.enableWebsocket, run)) !== 'false';
  const passed = await verifyAfterChange(
    {
      url: args.url,
      token: args.token,
      jwtSecret: env.jwtSecret,
      websocket,
      timeoutMs: args.timeoutMs,
      settleMs: args.settleMs,
      kubectlNamespace: namespace,
      stack: target,
    },
    run,
    out,
  );
  if (!passed) {
    throw new OpsError(
      'FAILED',
      'Deployed, but verify failed (see the FAIL lines above). To go back: ' +
        'npm run rollback -- quick (WebSocket off, clients poll) or npm run rollback -- full (the previous image).',
    );
  }
  out(`Deployed and verified stack ${target.stack}.`);
  return 0;
}

/**
 * `--preview`: changes nothing, needs no confirmation and no secrets. Against a deployed stack it runs
 * with the running image and Secret checksum (preview-config.ts), so the workloads' diff is shown.
 */
async function previewCommand(args: DeployArgs, env: OpsEnvironment): Promise<number> {
  const { run, out } = env;
  const details = await runPreflight(pulumiPreflight({ stack: args.stack }), run, out);
  const target: StackTarget = { stack: details.get('pulumi-stack') ?? args.stack };
  const running = runningStateOf(await readStackOutputs(target, run));
  const baseFile = args.configFile ?? join(PULUMI_DIR, stackFileName(bareStackName(target.stack ?? '')));
  let temporary: TemporaryFile | undefined;
  if (running) {
    temporary = writePreviewStackFile(baseFile, running);
    out(`note: previewing against the running image ${running.image} (no image is pushed by a preview).`);
  } else {
    out('note: the stack reports no running image yet (first deploy): the workloads will show as unknown.');
  }
  try {
    const steps = previewPlan(target, temporary?.path ?? args.configFile);
    printPlan(`Preview stack ${target.stack}:`, steps, out);
    await executePlan(steps, run, out);
  } finally {
    temporary?.remove();
  }
  return 0;
}
