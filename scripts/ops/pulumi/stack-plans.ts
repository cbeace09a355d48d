/**
 * The plans of deploy and rollback, as pure functions of their inputs. Only `pulumi` and `kubectl`
 * commands appear here; which image to roll back to is decided in `stack-history.ts`.
 */
import type { Step } from '../plan.js';
import { CONFIG_KEYS, pulumiArgs, type StackTarget } from './pulumi-project.js';

/** `pulumi up` without a prompt (the scripts confirmed already), output shown live. */
export function pulumiUpStep(target: StackTarget, description: string): Step {
  return { description, command: 'pulumi', args: pulumiArgs(target, 'up', '--yes'), stream: true };
}

export interface DeployPlanOptions {
  readonly target: StackTarget;
  /** The stack is pinned to an image by an earlier `rollback full`: clear the pin first. */
  readonly clearImageOverride: boolean;
  /** Preview only (pull requests): show the changes, change nothing. */
  readonly previewOnly: boolean;
}

export function deployPlan(options: DeployPlanOptions): Step[] {
  const { target } = options;
  if (options.previewOnly) {
    return [{ description: 'Preview the changes (nothing is changed)', command: 'pulumi', args: pulumiArgs(target, 'preview', '--diff'), stream: true }];
  }
  const clear: Step[] = options.clearImageOverride
    ? [{
      description: `Clear the rollback pin ${CONFIG_KEYS.imageDigestOverride}, so the image is built from this checkout again`,
      command: 'pulumi',
      args: pulumiArgs(target, 'config', 'rm', CONFIG_KEYS.imageDigestOverride),
    }]
    : [];
  return [...clear, pulumiUpStep(target, 'Build and push the image, then roll out the stack (pulumi up)')];
}

/**
 * Quick rollback: WebSocket off in the stack's config, then roll `web`; clients fall back to polling.
 * With `pinImage` (the running image) the stack is also pinned to it, so this `pulumi up` builds and
 * ships nothing from the operator's checkout: the only change is `ENABLE_WEBSOCKET`.
 */
export function quickRollbackPlan(target: StackTarget, pinImage?: string): Step[] {
  const pin: Step[] = pinImage
    ? [{ description: `Pin the running image ${pinImage}, so nothing is rebuilt from this checkout`, command: 'pulumi', args: pulumiArgs(target, 'config', 'set', CONFIG_KEYS.imageDigestOverride, pinImage) }]
    : [];
  return [
    { description: 'Turn WebSocket off in the stack config', command: 'pulumi', args: pulumiArgs(target, 'config', 'set', CONFIG_KEYS.enableWebsocket, 'false') },
    ...pin,
    pulumiUpStep(target, 'Roll out web with ENABLE_WEBSOCKET=false (pulumi up)'),
  ];
}

/**
 * Emergency quick rollback, without Pulumi: change the live Deployment, which rolls its pods, and
 * wait for the rollout. The stack's config is untouched, so the next `pulumi up` restores it.
 */
export function emergencyRollbackPlan(namespace: string): Step[] {
  return [
    { description: 'Set ENABLE_WEBSOCKET=false on the live web Deployment (this rolls its pods)', command: 'kubectl', args: ['set', 'env', 'deployment/web', 'ENABLE_WEBSOCKET=false', '-n', namespace] },
    { description: 'Wait until the new web pods are ready', command: 'kubectl', args: ['rollout', 'status', 'deployment/web', '-n', namespace, '--timeout=300s'], stream: true },
  ];
}

/** Full rollback: pin the stack to an earlier image by digest (no build), then roll out. */
export function fullRollbackPlan(target: StackTarget, image: string): Step[] {
  return [
    { description: `Pin the stack to the earlier image ${image} (nothing is rebuilt)`, command: 'pulumi', args: pulumiArgs(target, 'config', 'set', CONFIG_KEYS.imageDigestOverride, image) },
    pulumiUpStep(target, 'Roll out web and rq-worker with that image (pulumi up)'),
  ];
}
