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
export type RequiredApi = (typeof requiredApis)[number];

/** Registers one `gcp.projects.Service` per {@link requiredApis} entry, named `api-<service>`. */
export function enableRequiredApis(project: string, opts?: pulumi.CustomResourceOptions): Record<RequiredApi, gcp.projects.Service> {
  const services = {} as Record<RequiredApi, gcp.projects.Service>;
  for (const service of requiredApis) {
    services[service] = new gcp.projects.Service(
      `api-${service.split('.')[0]}`,
      { project, service, disableOnDestroy: false, disableDependentServices: false },
      opts,
    );
  }
  return services;
}
