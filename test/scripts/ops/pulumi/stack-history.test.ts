import { describe, expect, it } from 'vitest';
import {
  chooseRollbackRelease,
  imageOfCheckpoint,
  parseStackHistory,
  releaseVersions,
} from '../../../../scripts/ops/pulumi/stack-history.js';
import { IMAGE_A, IMAGE_B, IMAGE_C, exportedVersion, historyEntry } from '../../support/cloud-answers.js';
import { OpsError } from '../../../../scripts/ops/outcome.js';

describe('stack history', () => {
  it('parses versions, kinds, results and the rollback pin from pulumi stack history --json', () => {
    const updates = parseStackHistory(
      JSON.stringify([historyEntry(3, { pin: IMAGE_A }), historyEntry(2, { result: 'failed' }), { kind: 'update' }]),
    );
    expect(updates).toEqual([
      { version: 3, kind: 'update', result: 'succeeded', startTime: '2026-01-03T10:00:00.000Z', pinnedImage: IMAGE_A },
      { version: 2, kind: 'update', result: 'failed', startTime: '2026-01-02T10:00:00.000Z' },
    ]);
  });

  it('rejects text that is not the history JSON', () => {
    expect(() => parseStackHistory('error: no stack')).toThrow(OpsError);
    expect(() => parseStackHistory('{}')).toThrow('did not answer a list');
  });

  it('lists releases newest first: succeeded updates that were not rollback pins', () => {
    const updates = parseStackHistory(
      JSON.stringify([
        historyEntry(2),
        historyEntry(7, { pin: IMAGE_A }),
        historyEntry(6, { kind: 'refresh' }),
        historyEntry(5, { result: 'failed' }),
        historyEntry(4),
      ]),
    );
    expect(releaseVersions(updates)).toEqual([4, 2]);
  });

  it('reads the image outputs of the root stack resource from a checkpoint', () => {
    expect(imageOfCheckpoint(exportedVersion(3, IMAGE_B).stdout!)).toEqual({ image: IMAGE_B, pinned: false });
    expect(imageOfCheckpoint(exportedVersion(3, IMAGE_B, { pinned: true }).stdout!)).toEqual({
      image: IMAGE_B,
      pinned: true,
    });
    expect(imageOfCheckpoint(exportedVersion(3, 'gcr.io/p/i:latest').stdout!).image).toBeUndefined();
    expect(imageOfCheckpoint('{"version":3,"deployment":{}}')).toEqual({ image: undefined, pinned: false });
    expect(imageOfCheckpoint('not json')).toEqual({ image: undefined, pinned: false });
  });

  describe('choosing the release to roll back to', () => {
    it('is the newest older release with another image', () => {
      expect(
        chooseRollbackRelease(
          [
            { version: 6, image: IMAGE_C },
            { version: 5, image: IMAGE_C },
            { version: 3, image: IMAGE_B },
          ],
          IMAGE_C,
        ),
      ).toEqual({ version: 3, image: IMAGE_B });
    });

    it('steps back past the release of a pinned image, never forward to the image rolled back from', () => {
      // v6 released C, v5 released B; a rollback pinned B. The next rollback goes to A, not C.
      expect(
        chooseRollbackRelease(
          [
            { version: 6, image: IMAGE_C },
            { version: 5, image: IMAGE_B },
            { version: 4, image: IMAGE_A },
          ],
          IMAGE_B,
        ),
      ).toEqual({ version: 4, image: IMAGE_A });
      expect(
        chooseRollbackRelease(
          [
            { version: 6, image: IMAGE_C },
            { version: 5, image: IMAGE_B },
          ],
          IMAGE_B,
        ),
      ).toBeUndefined();
    });

    it('is the newest release with another image when the current image was never released (pinned by hand)', () => {
      expect(
        chooseRollbackRelease(
          [
            { version: 6, image: IMAGE_C },
            { version: 5, image: IMAGE_B },
          ],
          IMAGE_A,
        ),
      ).toEqual({ version: 6, image: IMAGE_C });
    });

    it('skips releases without an image output', () => {
      expect(
        chooseRollbackRelease(
          [
            { version: 2, image: IMAGE_C },
            { version: 1, image: undefined },
          ],
          IMAGE_C,
        ),
      ).toBeUndefined();
    });
  });
});
