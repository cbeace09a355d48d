/**
 * House rules for the manifests, as pure checks over the synthesized objects:
 * every container has requests and limits, runs as a numeric non-root user on a read-only root
 * filesystem without privilege escalation or capabilities, under the RuntimeDefault seccomp profile;
 * no pod mounts a service-account token; every workload writes its replicas, unless a
 * HorizontalPodAutoscaler owns them, and every autoscaler targets a Deployment of the output that
 * leaves them to it; names are stable (no cdk8s hash suffixes or address labels); every namespaced
 * object sits in the one Namespace, and cluster-scoped ones (Namespace, StorageClass) name none.
 */

type Obj = Record<string, unknown>;

// cdk8s appends "-c8" + 6 hex (or 8 hex) to generated names; cdk8s-plus adds an address label.
const hashedName = /-c8[0-9a-f]{6}$|-[0-9a-f]{8}$/;
const addressLabel = 'cdk8s.io/metadata.addr';
// Kinds that live outside any namespace (Kubernetes rejects or ignores a namespace on them).
const clusterScoped = new Set(['Namespace', 'StorageClass']);

/** Checks every object; returns problems naming the object and the rule (empty when all hold). */
export function checkPolicy(objects: readonly Obj[]): string[] {
  const problems: string[] = [];
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  if (namespaces.length !== 1) problems.push(`expected exactly one Namespace, found ${namespaces.length}`);
  const namespace = get(namespaces[0], 'metadata', 'name');
  const autoscaled = autoscaledDeployments(objects, problems);
  for (const object of objects) {
    const where = `${String(object.kind)} ${String(get(object, 'metadata', 'name'))}`;
    const add = (rule: string): void => void problems.push(`${where}: ${rule}`);
    checkNames(object, add);
    const objectNamespace = get(object, 'metadata', 'namespace');
    if (clusterScoped.has(String(object.kind))) {
      if (objectNamespace !== undefined) add('is cluster-scoped and must not set metadata.namespace');
    } else if (objectNamespace !== namespace) {
      add(`metadata.namespace must be "${String(namespace)}"`);
    }
    if (object.kind === 'Deployment' || object.kind === 'StatefulSet') checkWorkload(object, autoscaled, add);
  }
  return problems;
}

/**
 * Names of the Deployments a HorizontalPodAutoscaler owns. An autoscaler must target a Deployment of
 * the output, and that Deployment must not write `spec.replicas` (each apply would reset the
 * autoscaler's count).
 */
function autoscaledDeployments(objects: readonly Obj[], problems: string[]): Set<string> {
  const names = new Set<string>();
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const target = get(hpa, 'spec', 'scaleTargetRef');
    const name = get(target, 'name');
    const deployment = objects.find((o) => o.kind === 'Deployment' && get(o, 'metadata', 'name') === name);
    const where = `HorizontalPodAutoscaler ${String(get(hpa, 'metadata', 'name'))}`;
    if (get(target, 'kind') !== 'Deployment' || deployment === undefined) {
      problems.push(
        `${where}: spec.scaleTargetRef must name a Deployment of the output (got ${JSON.stringify(target)})`,
      );
      continue;
    }
    if (get(deployment, 'spec', 'replicas') !== undefined)
      problems.push(`Deployment ${String(name)}: must not write spec.replicas while ${where} owns them`);
    names.add(String(name));
  }
  return names;
}

function checkNames(object: Obj, add: (rule: string) => void): void {
  const name = get(object, 'metadata', 'name');
  if (typeof name !== 'string' || hashedName.test(name))
    add(`name ${JSON.stringify(name)} must be stable (no hash suffix)`);
  const labelSets = [
    get(object, 'metadata', 'labels'),
    get(object, 'spec', 'template', 'metadata', 'labels'),
    get(object, 'spec', 'selector', 'matchLabels'),
    get(object, 'spec', 'selector'),
  ];
  if (labelSets.some((labels) => isObj(labels) && addressLabel in labels))
    add(`must not use the hashed ${addressLabel} label`);
}

function checkWorkload(object: Obj, autoscaled: ReadonlySet<string>, add: (rule: string) => void): void {
  const spec = get(object, 'spec');
  const pod = get(spec, 'template', 'spec');
  const app = get(object, 'metadata', 'name');
  const owned = object.kind === 'Deployment' && autoscaled.has(String(app));
  if (!owned && typeof get(spec, 'replicas') !== 'number')
    add('spec.replicas must be written explicitly (or be owned by a HorizontalPodAutoscaler)');
  for (const [path, labels] of [
    ['metadata.labels', get(object, 'metadata', 'labels')],
    ['spec.selector.matchLabels', get(spec, 'selector', 'matchLabels')],
    ['spec.template.metadata.labels', get(spec, 'template', 'metadata', 'labels')],
  ] as const) {
    if (get(labels, 'app') !== app) add(`${path}.app must be ${JSON.stringify(app)}`);
  }
  if (get(pod, 'automountServiceAccountToken') !== false) add('automountServiceAccountToken must be false');
  const podContext = get(pod, 'securityContext');
  const containers = [...asArray(get(pod, 'initContainers')), ...asArray(get(pod, 'containers'))];
  if (containers.length === 0) add('has no containers');
  for (const container of containers)
    checkContainer(container, podContext, (rule) => add(`container ${String(get(container, 'name'))}: ${rule}`));
}

function checkContainer(container: unknown, podContext: unknown, add: (rule: string) => void): void {
  for (const kind of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) {
      const value = get(container, 'resources', kind, resource);
      if (typeof value !== 'string' && typeof value !== 'number') add(`resources.${kind}.${resource} must be set`);
    }
  }
  const ctx = get(container, 'securityContext');
  // A container field overrides the pod's; either level satisfies a rule as long as it is not undone.
  const effective = (key: string): unknown => get(ctx, key) ?? get(podContext, key);
  const user = effective('runAsUser');
  if (typeof user !== 'number' || !Number.isInteger(user) || user <= 0) add('runAsUser must be a numeric non-root uid');
  if (effective('runAsNonRoot') !== true) add('runAsNonRoot must be true');
  if (get(ctx, 'readOnlyRootFilesystem') !== true) add('readOnlyRootFilesystem must be true');
  if (get(ctx, 'allowPrivilegeEscalation') !== false) add('allowPrivilegeEscalation must be false');
  if (get(ctx, 'privileged') === true) add('must not be privileged');
  const drop = asArray(get(ctx, 'capabilities', 'drop'));
  if (!drop.includes('ALL')) add('capabilities.drop must include ALL');
  if (asArray(get(ctx, 'capabilities', 'add')).length > 0) add('must not add capabilities');
  if (get(effective('seccompProfile'), 'type') !== 'RuntimeDefault') add('seccompProfile.type must be RuntimeDefault');
}

function get(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObj(current)) return undefined;
    current = current[key];
  }
  return current;
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
