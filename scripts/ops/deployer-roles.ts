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
  { role: 'roles/artifactregistry.admin', why: 'create the gcr.io repository, push the image, grant the nodes read access' },
  { role: 'roles/serviceusage.serviceUsageAdmin', why: 'keep the artifactregistry, container and compute APIs enabled' },
  { role: 'roles/browser', why: 'read the project number (the default node account is named after it)' },
];

/** The pull requests' preview: reads, never writes (previews diff inputs; no change is sent). */
export const PREVIEW_ROLES: readonly RoleNeed[] = [
  { role: 'roles/container.viewer', why: 'read the cluster (no Secret contents)' },
  { role: 'roles/artifactregistry.reader', why: 'read the repository' },
  { role: 'roles/serviceusage.serviceUsageViewer', why: 'read the API services' },
  { role: 'roles/browser', why: 'read the project number' },
];

/** One line naming the roles, for preflight. */
export function rolesLine(roles: readonly RoleNeed[]): string {
  return roles.map((r) => r.role).join(', ');
}
