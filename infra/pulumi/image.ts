/**
 * The app image: the root Dockerfile built with BuildKit (@pulumi/docker-build) and pushed under two
 * tags, the git commit and `latest`. What gets deployed is neither tag but the pushed digest.
 */
import * as dockerBuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import { join } from 'node:path';
import { accessTokenUser, type GcrHost } from './registry.js';

/** Arguments of {@link buildAppImage}. */
export interface AppImageArgs {
  /** The project root: the build context and the folder of the Dockerfile. */
  readonly contextDir: string;
  /** `gcr.io/<project>/<name>`, from `imageRepository()`. */
  readonly repository: string;
  /** The registry host to log in to. */
  readonly registry: GcrHost;
  /** The human-readable tag (the git commit). */
  readonly tag: string;
  /** The nodes' architecture, e.g. `linux/amd64`; a laptop may be another one. */
  readonly platform: dockerBuild.Platform;
  /** OAuth access token (secret) for the registry login as `oauth2accesstoken`. */
  readonly accessToken: pulumi.Input<string>;
  /**
   * What the manifests get during a preview, which pushes nothing: the running image, so the
   * preview shows the workloads' real diff. @default undefined (the reference stays unknown)
   */
  readonly previewImage?: string;
}

/** The tags pushed for `tag`: the commit first (docker-build's `ref` output takes the first), then `latest`. */
export function imageTags(repository: string, tag: string): string[] {
  return [`${repository}:${tag}`, `${repository}:latest`];
}

/**
 * `repo@sha256:…`: the reference the manifests get. It changes exactly when the image's content does,
 * so a rebuild rolls the pods and a commit that leaves the image alone does not.
 */
export function digestReference(repository: string, digest: string): string {
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw new Error(`the image push returned no digest (got ${JSON.stringify(digest)}); refusing to deploy by tag`);
  }
  return `${repository}@${digest}`;
}

/**
 * Builds the image from the root Dockerfile and pushes it; returns the image and its digest reference.
 * The pushed tags outlive the resource (retainOnDelete): a rollback pins an earlier digest and drops
 * this resource from the program, and docker-build would otherwise delete the current image's tags.
 */
export function buildAppImage(
  args: AppImageArgs,
  opts?: pulumi.CustomResourceOptions,
): { image: dockerBuild.Image; digestRef: pulumi.Output<string> } {
  const image = new dockerBuild.Image(
    'app-image',
    {
      context: { location: args.contextDir },
      dockerfile: { location: join(args.contextDir, 'Dockerfile') },
      platforms: [args.platform],
      tags: imageTags(args.repository, args.tag),
      push: true,
      registries: [{ address: args.registry, username: accessTokenUser, password: args.accessToken }],
    },
    { retainOnDelete: true, ...opts },
  );
  const digestRef = image.digest.apply((digest): pulumi.Output<string> =>
    // A preview does not push, so there may be no digest yet: show the running image if given, else
    // leave the reference unknown, as it is.
    digest === '' && pulumi.runtime.isDryRun()
      ? pulumi.output(args.previewImage ?? (pulumi.unknown as unknown as string))
      : pulumi.output(digestReference(args.repository, digest)),
  );
  return { image, digestRef };
}
