/**
 * Finding the image to roll back to: the stack's update history (`pulumi stack history --json`)
 * lists the successful updates; the checkpoint of each (`pulumi stack export --version N`) holds the
 * stack outputs of that moment, including the image digest that was running. Parsing is pure; the
 * search runs the commands through a {@link CommandRunner}.
 */
import type { CommandRunner } from '../command-runner.js';
import { OpsError, type Output } from '../outcome.js';
import { CONFIG_KEYS, OUTPUT_NAMES, isDigestReference, pulumiArgs, type StackTarget } from './pulumi-project.js';

/** One entry of `pulumi stack history --json` (fields the CLI promises to keep). */
export interface StackUpdate {
  readonly version: number;
  /** `update`, `refresh`, `destroy`, `preview`, `import`… */
  readonly kind: string;
  /** `succeeded`, `failed`, `in-progress`… */
  readonly result: string;
  readonly startTime: string;
  /** The rollback pin in that update's config, when it was a `rollback full`. */
  readonly pinnedImage?: string;
}

/** Parses `pulumi stack history --json`; throws `FAILED` when the text is not that shape. */
export function parseStackHistory(json: string): StackUpdate[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new OpsError('FAILED', '`pulumi stack history --json` did not answer JSON.');
  }
  if (!Array.isArray(parsed)) throw new OpsError('FAILED', '`pulumi stack history --json` did not answer a list.');
  return parsed.flatMap((entry: Record<string, unknown>) => {
    if (typeof entry?.version !== 'number') return [];
    const config = (entry.config ?? {}) as Record<string, { value?: unknown } | undefined>;
    const pin = config[CONFIG_KEYS.imageDigestOverride]?.value;
    return [
      {
        version: entry.version,
        kind: textOf(entry.kind),
        result: textOf(entry.result),
        startTime: textOf(entry.startTime),
        ...(typeof pin === 'string' && pin ? { pinnedImage: pin } : {}),
      },
    ];
  });
}

/**
 * Releases, newest first: successful updates that built their image (not pinned by a rollback).
 * Rollbacks are left out so that a second `rollback full` steps further back instead of returning
 * to the image the first one rolled back from.
 */
export function releaseVersions(updates: readonly StackUpdate[]): number[] {
  return updates
    .filter((u) => u.kind === 'update' && u.result === 'succeeded' && u.pinnedImage === undefined)
    .map((u) => u.version)
    .sort((a, b) => b - a);
}

/** What a checkpoint says about its image. */
export interface CheckpointImage {
  /** The image output, when it is a digest reference. */
  readonly image: string | undefined;
  /**
   * The update ran a rollback's pinned image (the `imagePinned` output). With the pin in an ESC
   * environment the history's config does not show it, so the checkpoint is what tells.
   */
  readonly pinned: boolean;
}

/**
 * The image outputs recorded in a checkpoint (`pulumi stack export` JSON): the root
 * `pulumi:pulumi:Stack` resource's outputs.
 */
export function imageOfCheckpoint(json: string): CheckpointImage {
  let parsed: { deployment?: { resources?: Array<{ type?: string; outputs?: Record<string, unknown> }> } };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return { image: undefined, pinned: false };
  }
  const outputs = parsed.deployment?.resources?.find((r) => r.type === 'pulumi:pulumi:Stack')?.outputs;
  const image = outputs?.[OUTPUT_NAMES.image];
  return {
    image: typeof image === 'string' && isDigestReference(image) ? image : undefined,
    pinned: outputs?.[OUTPUT_NAMES.imagePinned] === true,
  };
}

/** A release and the image it ran. */
export interface Release {
  readonly version: number;
  readonly image: string | undefined;
}

/**
 * Pure: the release to roll back to, from releases newest first. It is the newest release older
 * than the newest release of `currentImage` with a different image; when the current image was
 * never a release (pinned by hand with `--image`), simply the newest release with another image.
 */
export function chooseRollbackRelease(releases: readonly Release[], currentImage: string): Release | undefined {
  const currentAt = releases.findIndex((r) => r.image === currentImage);
  const older = currentAt >= 0 ? releases.slice(currentAt + 1) : releases;
  return older.find((r) => r.image !== undefined && r.image !== currentImage);
}

/** How far back the search looks; older images are better chosen by hand with `--image`. */
export const MAX_VERSIONS_SEARCHED = 20;

export interface RollbackTarget {
  readonly image: string;
  /** The stack version whose checkpoint recorded {@link image}. */
  readonly version: number;
}

const NO_EXPORT_HINT =
  'Pass the image yourself: npm run rollback -- full --image <repository>@sha256:<digest> ' +
  '(list the pushed digests with: gcloud artifacts docker images list <repository> --include-tags).';

/**
 * Reads the history and each release's checkpoint, then {@link chooseRollbackRelease}. Throws
 * `FAILED` when the backend cannot export earlier versions or there is no earlier image, each time
 * saying what to do.
 */
export async function findPreviousImage(
  target: StackTarget,
  currentImage: string,
  run: CommandRunner,
  out: Output,
): Promise<RollbackTarget> {
  const history = await run(
    'pulumi',
    pulumiArgs(target, 'stack', 'history', '--json', '--page-size', String(MAX_VERSIONS_SEARCHED)),
  );
  if (history.code !== 0) throw new OpsError('FAILED', `\`pulumi stack history\` failed: ${history.stderr.trim()}`);
  const releases: Release[] = [];
  for (const version of releaseVersions(parseStackHistory(history.stdout))) {
    const exported = await run('pulumi', pulumiArgs(target, 'stack', 'export', '--version', String(version)));
    if (exported.code !== 0) {
      throw new OpsError(
        'FAILED',
        `This Pulumi backend cannot export stack version ${version} (${exported.stderr.trim()}). ${NO_EXPORT_HINT}`,
      );
    }
    const { image, pinned } = imageOfCheckpoint(exported.stdout);
    if (pinned) {
      out(`history: version ${version} ran a rollback's pinned image, not a release; skipped`);
      continue;
    }
    out(`history: version ${version} released ${image ?? '(no image output)'}`);
    releases.push({ version, image });
    // Once the current image's release is behind us, the first other image is the answer: stop.
    const settled = releases.some((r) => r.image === currentImage)
      ? chooseRollbackRelease(releases, currentImage)
      : undefined;
    if (settled?.image) return { image: settled.image, version: settled.version };
  }
  const chosen = chooseRollbackRelease(releases, currentImage);
  if (!chosen?.image)
    throw new OpsError(
      'FAILED',
      `No release older than ${currentImage} ran another image in the last ${MAX_VERSIONS_SEARCHED} updates. ${NO_EXPORT_HINT}`,
    );
  return { image: chosen.image, version: chosen.version };
}

/** A history field as text: Pulumi writes strings; anything else is shown as empty rather than `[object Object]`. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
