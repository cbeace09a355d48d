/**
 * Security contexts that meet the Pod Security Standard "restricted" profile (the Namespace enforces
 * it): numeric non-root user, no privilege escalation, every capability dropped, the runtime's default
 * seccomp profile, and a read-only root filesystem (writable paths are explicit volumes).
 */
import type { k8s } from 'cdk8s-plus-28';

/** uid/gid `node` in the official Node images; the app image runs its files from `/app` as this user. */
export const appUserId = 1000;

/** uid/gid `redis` in the official Redis images. */
export const redisUserId = 999;

const runtimeDefaultSeccomp: k8s.SeccompProfile = { type: 'RuntimeDefault' };

/**
 * The pod-level context. `fsGroup` is only needed where a volume must be writable by the user
 * (Redis's persistent disk, which GKE formats owned by root).
 */
export function podSecurityContext(userId: number, fsGroup?: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: userId,
    runAsGroup: userId,
    ...(fsGroup === undefined ? {} : { fsGroup, fsGroupChangePolicy: 'OnRootMismatch' }),
    seccompProfile: runtimeDefaultSeccomp,
  };
}

/** The container-level context; repeats the user so a container is safe even copied into another pod. */
export function containerSecurityContext(userId: number): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: userId,
    runAsGroup: userId,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: runtimeDefaultSeccomp,
  };
}
