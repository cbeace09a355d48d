/**
 * The resource budget of every container, in one place so docs/kubernetes.md and the tests can check
 * the total. The target is a small, quota-limited GKE cluster (the original ran out of GCP quota at two
 * `web` replicas), so requests are what the service needs at rest, and limits bound a runaway process
 * without letting it starve its neighbours. cdk8s-plus's default (1 CPU / 512 Mi requested per
 * container) would ask for 3 CPUs for three tiny processes and not schedule on a small node pool.
 */
import { k8s } from 'cdk8s-plus-28';
import { defaultSizing, type SizingInputs } from './sizing.js';

/** Requests and limits of one container, in Kubernetes quantity notation. */
export interface ContainerBudget {
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
}

/**
 * The budget per container. CPU and memory requests are what each needs at rest; memory limits come
 * from the sizing arithmetic (infra/k8s/sizing.ts), which checks them against what the processes
 * were measured to need and against Redis's `maxmemory`.
 * - web and rq-worker idle at about 100 and 82 MiB peak RSS (Node 24, compiled build).
 * - redis: `maxmemory` is at most half the limit because an append-only-file rewrite forks and
 *   copy-on-write can touch the parent's pages while the child writes.
 */
export function budgetsFor(sizing: SizingInputs): Record<'web' | 'worker' | 'redis', ContainerBudget> {
  return {
    web: { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: `${sizing.webMemoryLimitMiB}Mi` },
    worker: {
      cpuRequest: '100m',
      cpuLimit: '500m',
      memoryRequest: '128Mi',
      memoryLimit: `${sizing.workerMemoryLimitMiB}Mi`,
    },
    redis: {
      cpuRequest: '100m',
      cpuLimit: '250m',
      memoryRequest: '128Mi',
      memoryLimit: `${sizing.redisMemoryLimitMiB}Mi`,
    },
  };
}

/** The budgets of the default manifests. */
export const containerBudgets = budgetsFor(defaultSizing);

/** Redis's `--maxmemory` argument for `mib` MiB (Redis's `mb` is 1024 × 1024 bytes). */
export function redisMaxMemoryArgument(mib: number): string {
  return `${mib}mb`;
}

/** A budget as the `resources` field of a container. */
export function toResourceRequirements(budget: ContainerBudget): k8s.ResourceRequirements {
  return {
    requests: {
      cpu: k8s.Quantity.fromString(budget.cpuRequest),
      memory: k8s.Quantity.fromString(budget.memoryRequest),
    },
    limits: {
      cpu: k8s.Quantity.fromString(budget.cpuLimit),
      memory: k8s.Quantity.fromString(budget.memoryLimit),
    },
  };
}
