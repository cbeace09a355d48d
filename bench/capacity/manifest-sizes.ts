/**
 * What the capacity run needs from the synthesized manifests: each app container's memory limit and
 * literal environment (WORKER_CONCURRENCY, NODE_OPTIONS, ...), and Redis's `maxmemory`. Pure: YAML
 * text in, numbers out, so the run measures against exactly what `npm run synth` writes.
 */
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

type Obj = Record<string, any>;

export function manifestSizes(yamlText: string): ManifestSizes {
  const objects = parseManifestYaml(yamlText) as Obj[];
  const container = (kind: string, name: string): Obj => {
    const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
    if (!found) throw new Error(`the manifests have no ${kind} ${name}`);
    return found.spec.template.spec.containers[0] as Obj;
  };
  const sizes = (c: Obj): ContainerSizes => ({
    memoryLimitBytes: quantityBytes(String(c.resources?.limits?.memory)),
    env: Object.fromEntries((c.env as Obj[]).filter((e) => typeof e.value === 'string').map((e) => [e.name as string, e.value as string])),
  });
  const args = container('StatefulSet', 'redis').args as string[];
  const redisMaxMemory = args[args.indexOf('--maxmemory') + 1] ?? '';
  return {
    web: sizes(container('Deployment', 'web')),
    worker: sizes(container('Deployment', 'rq-worker')),
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
  return Number(match[1]) * (unit === undefined ? 1 : BINARY[unit] ?? DECIMAL[unit]!);
}

/** A Redis memory setting (`128mb` = 128 × 1024², `128m` = 128 × 10⁶) in bytes. */
export function redisBytes(setting: string): number {
  const match = /^(\d+)(kb|mb|gb|k|m|g)?$/i.exec(setting);
  if (!match) throw new Error(`not a Redis memory setting: ${setting}`);
  const unit = (match[2] ?? '').toLowerCase();
  const factor = { '': 1, k: 1e3, m: 1e6, g: 1e9, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30 }[unit]!;
  return Number(match[1]) * factor;
}
