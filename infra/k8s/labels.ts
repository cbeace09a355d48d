/**
 * Label sets. Selectors use only `app: <name>` — the contract's key, which the runbook's
 * `kubectl -l app=web` relies on — because a Deployment's selector is immutable: adding a key later
 * would force deleting the Deployment. The descriptive `app.kubernetes.io/*` labels go on objects and
 * pods only.
 */

/** The project name used in `app.kubernetes.io/part-of`. */
export const partOf = 'personalizedline';

/** The workload names the contract fixes (also Service and container names). */
export const workloadNames = { web: 'web', worker: 'rq-worker', redis: 'redis' } as const;

/** A workload name from {@link workloadNames}. */
export type WorkloadName = (typeof workloadNames)[keyof typeof workloadNames];

/** `spec.selector.matchLabels` (and Service/NetworkPolicy selectors) of a workload. */
export function selectorLabels(app: WorkloadName): Record<string, string> {
  return { app };
}

/** Labels of a workload's objects and of its pod template: the selector plus descriptive labels. */
export function workloadLabels(app: WorkloadName): Record<string, string> {
  return {
    ...selectorLabels(app),
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}
