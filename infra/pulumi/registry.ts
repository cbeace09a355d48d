/**
 * Where the image lives. Container Registry stopped accepting writes on 2025-03-18; `gcr.io` names keep
 * working only through an Artifact Registry repository named after the host, in the multi-region that
 * host served (https://cloud.google.com/artifact-registry/docs/transition/gcr-repositories).
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

/** The gcr.io hosts and the Artifact Registry multi-region of the repository that serves each. */
export const gcrRepositoryLocations = {
  'gcr.io': 'us',
  'us.gcr.io': 'us',
  'eu.gcr.io': 'europe',
  'asia.gcr.io': 'asia',
} as const;

/** A gcr.io registry host. */
export type GcrHost = keyof typeof gcrRepositoryLocations;

/** The hosts {@link GcrHost} allows, for config validation. */
export const gcrHosts = Object.keys(gcrRepositoryLocations) as GcrHost[];

/** `gcr.io/<project>/<name>`: the repository part of every tag and of the deployed digest reference. */
export function imageRepository(host: GcrHost, project: string, imageName: string): string {
  return `${host}/${project}/${imageName}`;
}

/** Google's fixed user name for logging in to a registry with an OAuth access token. */
export const accessTokenUser = 'oauth2accesstoken';

/**
 * Creates the Artifact Registry repository that serves `host` for `project`. It is kept on
 * `pulumi destroy` (retainOnDelete): it is project-wide and may hold images of other stacks.
 */
export function createGcrRepository(
  host: GcrHost,
  project: string,
  opts?: pulumi.CustomResourceOptions,
): gcp.artifactregistry.Repository {
  return new gcp.artifactregistry.Repository(
    'gcr-repository',
    {
      project,
      location: gcrRepositoryLocations[host],
      repositoryId: host,
      format: 'DOCKER',
      description: `${host} images (the Container Registry successor), pushed by the personalizedline stack`,
    },
    { retainOnDelete: true, ...opts },
  );
}

/**
 * A short-lived OAuth access token of the credentials the GCP provider uses, marked secret: the
 * registry password for {@link accessTokenUser}. docker-build ignores password changes when diffing,
 * so a fresh token on every run does not rebuild the image.
 */
export function registryAccessToken(opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return pulumi.secret(gcp.organizations.getClientConfigOutput(opts).accessToken);
}
