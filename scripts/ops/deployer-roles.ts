/**
 * The least-privilege IAM roles of the two identities that run the Pulumi program, in one place:
 * preflight prints them, the runbook lists them (test/scripts/runbook.test.ts keeps the two equal).
 */

/** A role and what of the program needs it. */
export interface RoleNeed {
  readonly role: string;
  readonly why: string;
}

/** The deployer (`npm run deploy`, the rollbacks, CI's deploy job), on the stack's project. */
export const DEPLOYER_ROLES: readonly RoleNeed[] = [
  { role: 'roles/container.developer', why: 'read the cluster and apply the Kubernetes objects' },
  {
    role: 'roles/artifactregistry.admin',
    why: 'create the gcr.io repository, push the image, grant the nodes read access',
  },
  {
    role: 'roles/serviceusage.serviceUsageAdmin',
    why: 'keep the artifactregistry, container, compute and monitoring APIs enabled',
  },
  { role: 'roles/browser', why: 'read the project number (the default node account is named after it)' },
  { role: 'roles/monitoring.editor', why: 'the alert policies, dashboard, uptime check and email channel' },
  { role: 'roles/compute.publicIpAdmin', why: 'with edge=ingress: reserve the global IP the Ingress uses' },
  { role: 'roles/dns.admin', why: "with edge=ingress and dnsZone: write the domain's A record" },
];

/** The pull requests' preview: reads, never writes (previews diff inputs; no change is sent). */
export const PREVIEW_ROLES: readonly RoleNeed[] = [
  { role: 'roles/container.viewer', why: 'read the cluster (no Secret contents)' },
  { role: 'roles/artifactregistry.reader', why: 'read the repository' },
  { role: 'roles/serviceusage.serviceUsageViewer', why: 'read the API services' },
  { role: 'roles/browser', why: 'read the project number' },
  { role: 'roles/monitoring.viewer', why: 'read the alert policies, dashboard and uptime check' },
  { role: 'roles/compute.viewer', why: 'with edge=ingress: read the global IP' },
  { role: 'roles/dns.reader', why: 'with edge=ingress and dnsZone: read the A record' },
];

/** One line naming the roles, for preflight. */
export function rolesLine(roles: readonly RoleNeed[]): string {
  return roles.map((r) => r.role).join(', ');
}
