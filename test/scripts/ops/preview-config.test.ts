import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { previewStackFile, runningStateOf, writePreviewStackFile } from '../../../scripts/ops/preview-config.js';
import { REPO_ROOT } from '../../../kit/repo-root.js';
import { IMAGE_A } from '../support/cloud-answers.js';

const checksum = 'a1'.repeat(32);

describe("the preview's stack file", () => {
  it('needs both the running image and the Secret checksum from the outputs', () => {
    expect(runningStateOf({ imageRef: IMAGE_A, appSecretChecksum: checksum })).toEqual({
      image: IMAGE_A,
      secretChecksum: checksum,
    });
    expect(runningStateOf({ imageRef: IMAGE_A })).toBeUndefined();
    expect(runningStateOf({ imageRef: 'gcr.io/p/i:latest', appSecretChecksum: checksum })).toBeUndefined();
    expect(runningStateOf({})).toBeUndefined();
  });

  it('is the stack file with the two preview settings added, its environments untouched', () => {
    const text = previewStackFile('# keep me\nenvironment:\n  - personalizedline/prod-settings\n', {
      image: IMAGE_A,
      secretChecksum: checksum,
    });
    expect(text).toContain('# keep me');
    expect(parse(text)).toEqual({
      environment: ['personalizedline/prod-settings'],
      config: { 'personalizedline:previewImage': IMAGE_A, 'personalizedline:previewSecretChecksum': checksum },
    });
  });

  it('is written to a temporary folder that is removed afterwards, leaving the real stack file alone', () => {
    const stackFile = join(REPO_ROOT, 'Pulumi.prod.yaml');
    const before = readFileSync(stackFile, 'utf8');
    const file = writePreviewStackFile(stackFile, { image: IMAGE_A, secretChecksum: checksum });
    expect(
      (parse(readFileSync(file.path, 'utf8')) as { config: Record<string, unknown> }).config[
        'personalizedline:previewImage'
      ],
    ).toBe(IMAGE_A);
    file.remove();
    expect(() => readFileSync(file.path)).toThrow();
    expect(readFileSync(stackFile, 'utf8')).toBe(before);
  });
});
