/**
 * What holds data is protected from the program itself. `protect` makes Pulumi refuse to delete or
 * replace the object (`pulumi destroy`, a changed `namespace` setting, a changed immutable StatefulSet
 * field): the update stops with an error instead. `retainOnDelete` keeps the object in the cluster even
 * when it does leave the program after an explicit `pulumi state unprotect`. The Redis disk itself is
 * kept by the Retain StorageClass (infra/k8s/namespace-chart.ts): the claim is the StatefulSet
 * controller's, not Pulumi's.
 */
import * as pulumi from '@pulumi/pulumi';

/** The options every data-holding object gets. */
export const dataProtection = { protect: true, retainOnDelete: true } as const;

/**
 * Kinds that hold the data: the Namespace (deleting it deletes the claim and the Secret) and the
 * StatefulSet that owns Redis's claim. The Secret is created directly, with {@link dataProtection}.
 */
export const protectedKinds = ['kubernetes:core/v1:Namespace', 'kubernetes:apps/v1:StatefulSet'] as const;

/**
 * A transform for the ConfigGroups: resource options cannot reach the objects a component creates from
 * YAML, transforms do (rollout.ts sets the timeouts the same way).
 */
export const protectDataHolders: pulumi.ResourceTransform = (args) => {
  if (!args.custom || !(protectedKinds as readonly string[]).includes(args.type)) return undefined;
  return { props: args.props, opts: pulumi.mergeOptions(args.opts, dataProtection) };
};
