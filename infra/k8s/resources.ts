/**
 * The resource budget of every container, in one place so docs/kubernetes.md and the tests can check
 * the total. The target is a small, quota-limited GKE cluster (the original ran out of GCP quota at two
 * `web` replicas), so requests are what the service needs at rest, and limits bound a runaway process
 * without letting it starve its neighbours. cdk8s-plus's default (1 CPU / 512 Mi requested per
 * container) would ask for 3 CPUs for three tiny processes and not schedule on a small node pool.
 */
import { k8s } from 'cdk8s-plus-28';

/** Requests and limits of one container, in Kubernetes quantity notation. */
export interface ContainerBudget {
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
}

/**
 * The budget per container.
 * - web: idles at about 100 MiB RSS (compiled build, measured locally, Node 24); 256 Mi leaves room
 *   for uploads (10 MiB each at most) and WebSocket buffers.
 * - rq-worker: idles at about 80 MiB; one CSV job at a time; same envelope as web.
 * - redis: `maxmemory` ({@link redisMaxMemory}) is half the limit because an append-only-file rewrite
 *   forks and copy-on-write can touch the parent's pages while the child writes.
 */
export const containerBudgets = {
  web: { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
  worker: { cpuRequest: '100m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
  redis: { cpuRequest: '100m', cpuLimit: '250m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
} as const satisfies Record<string, ContainerBudget>;

/** Redis's `maxmemory`; with `noeviction` a full Redis refuses writes instead of dropping jobs. */
export const redisMaxMemory = '128mb';

/**
 * V8's old-space cap for the Node containers, below the 256 Mi limit so the heap collects harder
 * before the kernel's OOM killer ends the pod (V8 sizes its heap from the node's memory, not the
 * container's limit).
 */
export const nodeMaxOldSpaceMb = 160;

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
