/**
 * The default synthesis, byte for byte. A change here is a change to what `kubectl apply` would do:
 * review the diff of __snapshots__/default.k8s.yaml, then update with
 * `npx vitest run test/infra/k8s/snapshot.test.ts --update`.
 */
import { describe, expect, it } from 'vitest';
import { defaultManifestOptions } from '../../../infra/k8s/options.js';
import { synthesizeManifests } from '../../../infra/k8s/synthesize.js';

describe('default synthesis snapshot', () => {
  it('matches the reviewed manifests', async () => {
    await expect(synthesizeManifests(defaultManifestOptions)).toMatchFileSnapshot('./__snapshots__/default.k8s.yaml');
  });

  it('is deterministic', () => {
    expect(synthesizeManifests(defaultManifestOptions)).toBe(synthesizeManifests({ ...defaultManifestOptions }));
  });
});
