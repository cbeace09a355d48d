/**
 * What the capacity run needs from the synthesized manifests: each app container's memory limit and
 * literal environment (WORKER_CONCURRENCY, NODE_OPTIONS, ...), and Redis's `maxmemory`. Pure: YAML
 * text in, numbers out, so the run measures against exactly what `npm run synth` writes.
 */
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IContainer } from 'kubernetes-models/v1';
import { parseManifestYaml } from '../../infra/k8s/validation/validate-manifests.js';

export interface ContainerSizes {
  readonly memoryLimitBytes: number;
  /** The container's `env` entries with literal values (Secret references are left out). */
  readonly env: Readonly<Record<string, string>>;
}

export interface ManifestSizes {
  readonly web: ContainerSizes;
  readonly worker: ContainerSizes;
  readonly redisMaxMemoryBytes: number;
  /** Redis's `--maxmemory` as written (`128mb`). */
  readonly redisMaxMemory: string;
}

/** The first container of the `kind` object named `name`, typed by its kubernetes-models interface. */
function firstContainer(
  objects: readonly Record<string, unknown>[],
  kind: 'Deployment' | 'StatefulSet',
  name: string,
): IContainer {
  const found = objects.find((o) => o.kind === kind && (o.metadata as { name?: unknown } | undefined)?.name === name);
  const container = (found as IDeployment | IStatefulSet | undefined)?.spec?.template.spec?.containers[0];
  if (!container) throw new Error(`the manifests have no ${kind} ${name} with a container`);
  return container;
}

function sizes(c: IContainer): ContainerSizes {
  return {
    memoryLimitBytes: quantityBytes(String(c.resources?.limits?.memory)),
    env: Object.fromEntries((c.env ?? []).flatMap((e) => (typeof e.value === 'string' ? [[e.name, e.value]] : []))),
  };
}

export function manifestSizes(yamlText: string): ManifestSizes {
  const objects = parseManifestYaml(yamlText);
  const args = firstContainer(objects, 'StatefulSet', 'redis').args ?? [];
  const redisMaxMemory = args[args.indexOf('--maxmemory') + 1] ?? '';
  return {
    web: sizes(firstContainer(objects, 'Deployment', 'web')),
    worker: sizes(firstContainer(objects, 'Deployment', 'rq-worker')),
    redisMaxMemoryBytes: redisBytes(redisMaxMemory),
    redisMaxMemory,
  };
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9 };

/** A Kubernetes memory quantity (`256Mi`, `1Gi`, `500M`) in bytes. */
export function quantityBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = match[2];
  return Number(match[1]) * (unit === undefined ? 1 : (BINARY[unit] ?? DECIMAL[unit]!));
}

/** A Redis memory setting (`128mb` = 128 × 1024², `128m` = 128 × 10⁶) in bytes. */
export function redisBytes(setting: string): number {
  const match = /^(\d+)(kb|mb|gb|k|m|g)?$/i.exec(setting);
  if (!match) throw new Error(`not a Redis memory setting: ${setting}`);
  const unit = (match[2] ?? '').toLowerCase();
  const factor = { '': 1, k: 1e3, m: 1e6, g: 1e9, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30 }[unit]!;
  return Number(match[1]) * factor;
}
