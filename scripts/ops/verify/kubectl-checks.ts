/**
 * verify `--kubectl`: the pods of `app=web`, `app=rq-worker` and `app=redis` are ready, and their
 * recent logs hold no error lines. Judging the kubectl output is pure; commands go through a runner.
 * With Redis outside the cluster (`REDIS=external`, Memorystore) there is no `redis` StatefulSet: the
 * Redis checks then say so and pass (`ready` has already checked that the web pods reach it).
 */
import { workloadNames } from '../../../infra/k8s/labels.js';
import type { CommandRunner } from '../command-runner.js';
import { CheckFailure, runCheck, type CheckResult } from './check-result.js';

/** The workloads of the contract, by their `app` label. */
export const WORKLOAD_APPS = [workloadNames.web, workloadNames.worker, workloadNames.redis] as const;

/** How many recent lines per workload are searched, as the original runbook's `--tail=200`. */
export const LOG_TAIL_LINES = 200;

interface PodJson {
  metadata?: { name?: string; deletionTimestamp?: string };
  status?: {
    phase?: string;
    containerStatuses?: Array<{ ready?: boolean; state?: { waiting?: { reason?: string } } }>;
  };
}

/**
 * Pure: judges `kubectl get pods -o json`; answers the PASS detail or throws {@link CheckFailure}.
 * Terminating pods (a `deletionTimestamp`: the old ReplicaSet's, right after a rollout) are on their
 * way out and no longer behind the Service, so they are left out rather than failing a good deploy.
 */
export function judgePods(app: string, json: string): string {
  let all: PodJson[];
  try {
    all = (JSON.parse(json) as { items?: PodJson[] }).items ?? [];
  } catch {
    throw new CheckFailure(`kubectl get pods -l app=${app} did not answer JSON`);
  }
  const pods = all.filter((pod) => !pod.metadata?.deletionTimestamp);
  const terminating = all.length - pods.length;
  if (pods.length === 0)
    throw new CheckFailure(`no pods with label app=${app}${terminating ? ` (${terminating} terminating)` : ''}`);
  const notReady = pods.filter((pod) => {
    const statuses = pod.status?.containerStatuses ?? [];
    return pod.status?.phase !== 'Running' || statuses.length === 0 || statuses.some((c) => c.ready !== true);
  });
  if (notReady.length > 0) {
    const reasons = notReady.map((pod) => {
      const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
      return `${pod.metadata?.name ?? '?'} ${waiting ?? pod.status?.phase ?? 'unknown'}`;
    });
    throw new CheckFailure(
      `${pods.length - notReady.length}/${pods.length} pods ready; not ready: ${reasons.join(', ')}`,
    );
  }
  const leaving = terminating ? `; ${terminating} terminating, not counted` : '';
  return `${pods.length}/${pods.length} pods ready (${pods.map((p) => p.metadata?.name ?? '?').join(', ')})${leaving}`;
}

function hasNoPods(json: string): boolean {
  try {
    return ((JSON.parse(json) as { items?: unknown[] }).items ?? []).length === 0;
  } catch {
    return false;
  }
}

/** pino levels 50 (error) and 60 (fatal). */
const PINO_ERROR_LEVEL = 50;

/**
 * Pure: the error lines among log lines. JSON lines (the app's pino logs) count by their level, so a
 * message that merely mentions "error" is not one; other lines (Redis) by an error word.
 */
export function errorLines(logText: string): string[] {
  return logText.split('\n').filter((line) => {
    const trimmed = line.trim();
    if (!trimmed) return false;
    if (trimmed.startsWith('{')) {
      try {
        const level = (JSON.parse(trimmed) as { level?: unknown }).level;
        if (typeof level === 'number') return level >= PINO_ERROR_LEVEL;
        if (typeof level === 'string') return /^(error|fatal)$/i.test(level);
      } catch {
        // a line cut in half: judge it as text
      }
    }
    return /\b(error|fatal|panic|exception)\b/i.test(trimmed);
  });
}

const EXTERNAL_REDIS = 'no in-cluster Redis (no StatefulSet redis: REDIS=external); the ready check reached it';

/** Runs the pod and log checks of every workload in `namespace`. */
export async function runKubectlChecks(namespace: string, run: CommandRunner): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let externalRedis = false;
  for (const app of WORKLOAD_APPS) {
    results.push(
      await runCheck(`pods-${app}`, async () => {
        const answer = await run('kubectl', ['get', 'pods', '-n', namespace, '-l', `app=${app}`, '-o', 'json']);
        if (answer.code !== 0)
          throw new CheckFailure(
            `kubectl get pods failed: ${answer.missing ? 'kubectl is not installed' : answer.stderr.trim()}`,
          );
        if (app === workloadNames.redis && hasNoPods(answer.stdout)) {
          // No Redis pod: an outage of the in-cluster Redis, or no in-cluster Redis at all.
          const statefulSet = await run('kubectl', [
            'get',
            'statefulset',
            workloadNames.redis,
            '-n',
            namespace,
            '--ignore-not-found',
            '-o',
            'name',
          ]);
          externalRedis = statefulSet.code === 0 && statefulSet.stdout.trim() === '';
          if (externalRedis) return EXTERNAL_REDIS;
        }
        return judgePods(app, answer.stdout);
      }),
    );
  }
  for (const app of WORKLOAD_APPS) {
    if (app === workloadNames.redis && externalRedis) {
      results.push(await runCheck(`logs-${app}`, () => Promise.resolve(EXTERNAL_REDIS)));
      continue;
    }
    results.push(
      await runCheck(`logs-${app}`, async () => {
        const answer = await run('kubectl', ['logs', '-n', namespace, '-l', `app=${app}`, `--tail=${LOG_TAIL_LINES}`]);
        if (answer.code !== 0)
          throw new CheckFailure(
            `kubectl logs failed: ${answer.missing ? 'kubectl is not installed' : answer.stderr.trim()}`,
          );
        const errors = errorLines(answer.stdout);
        if (errors.length > 0) {
          throw new CheckFailure(
            `${errors.length} error line(s) in the last ${LOG_TAIL_LINES} per pod, e.g. ${errors
              .slice(0, 2)
              .map((l) => l.slice(0, 200))
              .join(' | ')}`,
          );
        }
        return `no error lines in the last ${LOG_TAIL_LINES} per pod`;
      }),
    );
  }
  return results;
}
