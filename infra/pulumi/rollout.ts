/**
 * Applying the synthesized manifests with `k8s.yaml.v2.ConfigGroup`, which waits for each object to be
 * ready (Deployments available, the StatefulSet's pods ready, the LoadBalancer Service given an
 * address) — within a timeout this module sets explicitly — and reading the address back.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { protectDataHolders } from './data-protection.js';

/**
 * A transform that gives every Kubernetes object of a ConfigGroup explicit create/update/delete
 * timeouts. `customTimeouts` on the ConfigGroup itself would be ignored (it is a component), and the
 * provider's per-kind defaults (5 to 10 minutes) are implicit; transforms reach the children.
 */
export function rolloutTimeouts(minutes: number): pulumi.ResourceTransform {
  const timeout = `${minutes}m`;
  return (args) => {
    if (!args.custom || !args.type.startsWith('kubernetes:')) return undefined;
    return {
      props: args.props,
      opts: pulumi.mergeOptions(args.opts, { customTimeouts: { create: timeout, update: timeout, delete: timeout } }),
    };
  };
}

/** Arguments of {@link applyManifests}. */
export interface ApplyManifestsArgs {
  /** Multi-document YAML. */
  readonly yaml: pulumi.Input<string>;
  readonly provider: k8s.Provider;
  readonly timeoutMinutes: number;
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The resource options {@link applyManifests} uses; separate so they can be checked without an engine.
 * The transforms reach every object the group creates: timeouts on all, protection on what holds data.
 */
export function applyManifestsOptions(args: ApplyManifestsArgs): pulumi.ComponentResourceOptions {
  return {
    provider: args.provider,
    dependsOn: args.dependsOn ?? [],
    transforms: [rolloutTimeouts(args.timeoutMinutes), protectDataHolders],
  };
}

/** Applies `args.yaml` as ConfigGroup `name` and waits for every object in it to be ready. */
export function applyManifests(name: string, args: ApplyManifestsArgs): k8s.yaml.v2.ConfigGroup {
  // skipAwait false is the default; written out because waiting is the point of the rollout.
  return new k8s.yaml.v2.ConfigGroup(name, { yaml: args.yaml, skipAwait: false }, applyManifestsOptions(args));
}

/**
 * The external address (IP, or hostname on clouds that give one) of LoadBalancer Service
 * `namespace/name` among a ConfigGroup's `resources`; empty until one is assigned.
 */
export function loadBalancerAddress(
  resources: pulumi.Output<unknown[]>,
  namespace: string,
  name: string,
): pulumi.Output<string> {
  return resources.apply((all) => {
    const services = all.filter((r): r is k8s.core.v1.Service => k8s.core.v1.Service.isInstance(r));
    return pulumi.all(services.map((service) => pulumi.all([service.metadata, service.status]))).apply((pairs) => {
      const found = pairs.find(([metadata]) => metadata?.name === name && metadata?.namespace === namespace);
      const ingress = found?.[1]?.loadBalancer?.ingress?.[0];
      return ingress?.ip ?? ingress?.hostname ?? '';
    });
  });
}
