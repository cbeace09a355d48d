/**
 * The plans of deploy and rollback, as pure functions of their inputs. Only `pulumi` and `kubectl`
 * commands appear here; which image to roll back to is decided in `stack-history.ts`, and how a
 * setting is written to the stack's config home in `config-home.ts`.
 */
import type { Step } from '../plan.js';
import { removeFromHome, setInHome, type ConfigHome } from './config-home.js';
import { CONFIG_KEYS, pulumiArgs, type StackTarget } from './pulumi-project.js';

/**
 * `pulumi up` without a prompt (the scripts confirmed already), output shown live. `--refresh` reads
 * the live objects first: the Kubernetes provider diffs inputs, so without it a field changed behind
 * Pulumi's back (the emergency rollback's `kubectl set env`) would go unnoticed; with it, the drift is
 * planned as an update, which the provider applies with force (cluster.ts) and so takes back.
 */
export function pulumiUpStep(target: StackTarget, description: string): Step {
  return { description, command: 'pulumi', args: pulumiArgs(target, 'up', '--yes', '--refresh'), stream: true };
}

export interface DeployPlanOptions {
  readonly target: StackTarget;
  readonly home: ConfigHome;
  /** Release a rollback's pin first, so the image is built from this checkout again. */
  readonly unpin: boolean;
  /** Set `enableWebsocket` in the config home first. @default unchanged */
  readonly websocket?: boolean;
}

/** Deploy: what `--websocket`/`--unpin` ask for, in the config home, then `pulumi up`. */
export function deployPlan(options: DeployPlanOptions): Step[] {
  const { target, home } = options;
  const websocket: Step[] =
    options.websocket === undefined
      ? []
      : [
          setInHome(
            home,
            target,
            CONFIG_KEYS.enableWebsocket,
            String(options.websocket),
            `Turn WebSocket ${options.websocket ? 'on' : 'off'}`,
          ),
        ];
  const unpin: Step[] = options.unpin
    ? [
        removeFromHome(
          home,
          target,
          CONFIG_KEYS.imageDigestOverride,
          `Release the rollback pin ${CONFIG_KEYS.imageDigestOverride}, so the image is built from this checkout`,
        ),
      ]
    : [];
  return [
    ...websocket,
    ...unpin,
    pulumiUpStep(target, 'Build and push the image, then roll out the stack (pulumi up)'),
  ];
}

/**
 * Preview (pull requests): show the changes, change nothing. `configFile` is the temporary stack file
 * that points the preview at the running image (preview-config.ts).
 */
export function previewPlan(target: StackTarget, configFile?: string): Step[] {
  const file = configFile === undefined ? [] : ['--config-file', configFile];
  return [
    {
      description: 'Preview the changes (nothing is changed)',
      command: 'pulumi',
      args: pulumiArgs(target, 'preview', '--diff', ...file),
      stream: true,
    },
  ];
}

/**
 * Quick rollback: WebSocket off in the config home, then roll `web`; clients fall back to polling.
 * With `pinImage` (the running image) the stack is also pinned to it, so this `pulumi up` builds and
 * ships nothing from the operator's checkout: the only change is `ENABLE_WEBSOCKET`. Both stay in the
 * config home, so CI's next deploy keeps them.
 */
export function quickRollbackPlan(target: StackTarget, home: ConfigHome, pinImage?: string): Step[] {
  const pin: Step[] = pinImage
    ? [
        setInHome(
          home,
          target,
          CONFIG_KEYS.imageDigestOverride,
          pinImage,
          `Pin the running image ${pinImage}, so nothing is rebuilt from this checkout`,
        ),
      ]
    : [];
  return [
    setInHome(home, target, CONFIG_KEYS.enableWebsocket, 'false', 'Turn WebSocket off'),
    ...pin,
    pulumiUpStep(target, 'Roll out web with ENABLE_WEBSOCKET=false (pulumi up)'),
  ];
}

/**
 * Emergency quick rollback, without Pulumi: change the live Deployment, which rolls its pods, and
 * wait for the rollout. The config home is untouched, so the next `pulumi up` (whose refresh sees the
 * change and whose forced apply takes the field back from `kubectl-set`) restores it.
 */
export function emergencyRollbackPlan(namespace: string): Step[] {
  return [
    {
      description: 'Set ENABLE_WEBSOCKET=false on the live web Deployment (this rolls its pods)',
      command: 'kubectl',
      args: ['set', 'env', 'deployment/web', 'ENABLE_WEBSOCKET=false', '-n', namespace],
    },
    {
      description: 'Wait until the new web pods are ready',
      command: 'kubectl',
      args: ['rollout', 'status', 'deployment/web', '-n', namespace, '--timeout=300s'],
      stream: true,
    },
  ];
}

/** Full rollback: pin the stack to an earlier image by digest in the config home (no build), then roll out. */
export function fullRollbackPlan(target: StackTarget, home: ConfigHome, image: string): Step[] {
  return [
    setInHome(
      home,
      target,
      CONFIG_KEYS.imageDigestOverride,
      image,
      `Pin the stack to the earlier image ${image} (nothing is rebuilt)`,
    ),
    pulumiUpStep(target, 'Roll out web and rq-worker with that image (pulumi up)'),
  ];
}
