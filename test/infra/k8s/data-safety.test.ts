/**
 * What holds the data: Redis runs a release without the known remote-code-execution bugs, pinned by
 * digest, and its disk outlives its claim (and the Namespace) through a Retain StorageClass.
 */
import { describe, expect, it } from 'vitest';
import { retainStorageClassName } from '../../../infra/k8s/options.js';
import { checkPolicy } from '../../../infra/k8s/validation/policy.js';
import { findObject, onlyContainer, synthObjects } from './support/manifests.js';

/**
 * The first fixed release of each line for CVE-2025-49844 (Lua use-after-free, RCE; the advisory
 * GHSA-4789-qfc9-5f9q and the official images' update to 7.2.11, 7.4.6, 8.0.4 and 8.2.2). Lines newer
 * than 8.2 were released after the fix. CVE-2025-21605 was fixed earlier (7.4.3), so this floor covers it.
 */
const firstFixed: Record<string, [number, number, number]> = {
  '7.2': [7, 2, 11],
  '7.4': [7, 4, 6],
  '8.0': [8, 0, 4],
  '8.2': [8, 2, 2],
};
/** The floor: nothing older than 7.4.6 at all. */
const floor: [number, number, number] = [7, 4, 6];

/** `[major, minor, patch]` of an official `redis:X.Y.Z[-variant][@sha256:…]` reference. */
function redisVersion(image: string): [number, number, number] {
  const match = /^(?:docker\.io\/(?:library\/)?)?redis:(\d+)\.(\d+)\.(\d+)(?:-[\w.]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(
    image,
  );
  if (!match) throw new Error(`not an official redis:X.Y.Z image: ${image}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

const atLeast = (version: number[], minimum: number[]): boolean => {
  for (let i = 0; i < 3; i += 1) if (version[i] !== minimum[i]) return version[i]! > minimum[i]!;
  return true;
};

/** Whether a Redis release carries the CVE-2025-49844 and CVE-2025-21605 fixes and meets the floor. */
function isFixedRelease(image: string): boolean {
  const version = redisVersion(image);
  const line = firstFixed[`${version[0]}.${version[1]}`];
  return atLeast(version, floor) && (line === undefined ? atLeast(version, [8, 2, 2]) : atLeast(version, line));
}

describe('the version check itself', () => {
  it.each([
    ['redis:7.4.2-alpine', false],
    ['redis:7.4.5', false],
    ['redis:7.2.11-alpine', false],
    ['redis:8.2.1-alpine', false],
    ['redis:8.0.3', false],
    ['redis:7.4.6-alpine', true],
    ['redis:8.0.4', true],
    ['redis:8.2.2-alpine', true],
    [`redis:8.10.1-alpine@sha256:${'a'.repeat(64)}`, true],
  ])('judges %s fixed: %s', (image, fixed) => {
    expect(isFixedRelease(image)).toBe(fixed);
  });
});

describe('default manifests: data safety', () => {
  const objects = synthObjects();
  const redis = findObject(objects, 'StatefulSet', 'redis');
  const container = onlyContainer(redis);

  it('run a Redis release ≥ 7.4.6 that has the CVE-2025-49844 and CVE-2025-21605 fixes', () => {
    expect(isFixedRelease(container.image!)).toBe(true);
  });

  it('pin the Redis image by digest, so a node never pulls other bytes under the same tag', () => {
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  it('put the Redis disk on their own StorageClass that retains the disk when the claim goes', () => {
    const name = retainStorageClassName('personalizedline');
    expect(redis.spec!.volumeClaimTemplates![0]!.spec!.storageClassName).toBe(name);
    expect(findObject(objects, 'StorageClass', name)).toMatchObject({
      apiVersion: 'storage.k8s.io/v1',
      provisioner: 'pd.csi.storage.gke.io',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    // Scaling down or deleting the StatefulSet keeps the claim too.
    expect(redis.spec!.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  it('create no StorageClass when another one is configured', () => {
    const withOwnClass = synthObjects({ redisStorageClass: 'premium-rwo' });
    expect(withOwnClass.filter((o) => o.kind === 'StorageClass')).toEqual([]);
    expect(
      findObject(withOwnClass, 'StatefulSet', 'redis').spec!.volumeClaimTemplates![0]!.spec!.storageClassName,
    ).toBe('premium-rwo');
  });
});

describe('policy for cluster-scoped objects', () => {
  it('refuses a namespace on the StorageClass, and accepts the synthesized one', () => {
    const objects = synthObjects();
    expect(checkPolicy(objects)).toEqual([]);
    const storageClass = findObject(objects, 'StorageClass', retainStorageClassName('personalizedline'));
    storageClass.metadata.namespace = 'personalizedline';
    expect(checkPolicy(objects)).toEqual([
      'StorageClass personalizedline-redis-retain: is cluster-scoped and must not set metadata.namespace',
    ]);
  });
});
