/**
 * The Google APIs the stack needs, kept enabled by the program. `disableOnDestroy: false`: these are
 * project-wide, so removing this stack (or this resource) must never switch them off under other users.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

/**
 * Artifact Registry (the `gcr.io` repository and its IAM), Kubernetes Engine (the cluster lookup),
 * Compute Engine (the nodes, their disks and the load balancer) and Cloud Monitoring (the uptime
 * check, alert policies and dashboard of monitoring.ts). The runbook enables the same list
 * once by hand before the first deploy, since the deployer needs them before the program can run.
 */
export const requiredApis = [
  'artifactregistry.googleapis.com',
  'container.googleapis.com',
  'compute.googleapis.com',
  'monitoring.googleapis.com',
] as const;
/** Memorystore for Redis, needed only with `redis: memorystore` (memorystore.ts). */
export const memorystoreApi = 'redis.googleapis.com';
export type RequiredApi = (typeof requiredApis)[number] | typeof memorystoreApi;

/** Which optional APIs the stack's settings need. */
export interface ApiNeeds {
  /** `redis: memorystore` @default false */
  readonly memorystore?: boolean;
}

/**
 * Registers one `gcp.projects.Service` per {@link requiredApis} entry (and {@link memorystoreApi}
 * when needed), named `api-<service>`. An API the settings do not need is absent from the answer.
 */
export function enableRequiredApis(
  project: string,
  needs: ApiNeeds = {},
  opts?: pulumi.CustomResourceOptions,
): Partial<Record<RequiredApi, gcp.projects.Service>> & Record<(typeof requiredApis)[number], gcp.projects.Service> {
  const services = {} as Partial<Record<RequiredApi, gcp.projects.Service>> &
    Record<(typeof requiredApis)[number], gcp.projects.Service>;
  for (const service of [...requiredApis, ...(needs.memorystore ? [memorystoreApi] : [])] as RequiredApi[]) {
    services[service] = new gcp.projects.Service(
      `api-${service.split('.')[0]}`,
      { project, service, disableOnDestroy: false, disableDependentServices: false },
      opts,
    );
  }
  return services;
}
