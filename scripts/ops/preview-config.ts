/**
 * The stack file a preview runs with. A preview pushes nothing, so it has no new digest, and a pull
 * request's preview has no production secrets; without both the workloads' YAML would be unknown and
 * the preview would only say "preview is incomplete". So the preview gets the running image and the
 * running Secret's checksum (both stack outputs, neither secret) as `previewImage` and
 * `previewSecretChecksum`, in a temporary copy of the stack file (`pulumi preview --config-file`);
 * `pulumi preview -c` would write them into the real stack file instead.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { CONFIG_KEYS, OUTPUT_NAMES, isDigestReference } from './pulumi/pulumi-project.js';

/** What the running stack says about itself, when it says it (undefined before the first deploy). */
export interface RunningState {
  readonly image: string;
  readonly secretChecksum: string;
}

/** The running image and Secret checksum from `pulumi stack output --json`; undefined unless both are valid. Pure. */
export function runningStateOf(outputs: Readonly<Record<string, unknown>>): RunningState | undefined {
  const image = outputs[OUTPUT_NAMES.image];
  const secretChecksum = outputs[OUTPUT_NAMES.appSecretChecksum];
  return typeof image === 'string' &&
    isDigestReference(image) &&
    typeof secretChecksum === 'string' &&
    /^[0-9a-f]{64}$/.test(secretChecksum)
    ? { image, secretChecksum }
    : undefined;
}

/** `stackFileText` with the two preview settings added under `config:`, comments and all else kept. Pure. */
export function previewStackFile(stackFileText: string, running: RunningState): string {
  const document = parseDocument(stackFileText);
  document.setIn(['config', CONFIG_KEYS.previewImage], running.image);
  document.setIn(['config', CONFIG_KEYS.previewSecretChecksum], running.secretChecksum);
  return document.toString();
}

/** A temporary stack file and the function that removes it. */
export interface TemporaryFile {
  readonly path: string;
  remove(): void;
}

/** Writes {@link previewStackFile} of the file at `stackFilePath` to a new temporary folder. */
export function writePreviewStackFile(stackFilePath: string, running: RunningState): TemporaryFile {
  const dir = mkdtempSync(join(tmpdir(), 'pl-preview-'));
  const path = join(dir, 'Pulumi.preview.yaml');
  writeFileSync(path, previewStackFile(readFileSync(stackFilePath, 'utf8'), running));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
