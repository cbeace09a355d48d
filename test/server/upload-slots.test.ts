import { describe, expect, it } from 'vitest';
import { UploadSlots } from '../../app/server/upload-slots.js';

describe('upload slots', () => {
  it('hands a freed slot to the upload waiting longest', async () => {
    const slots = new UploadSlots(1);
    const first = await slots.take(1_000);
    const second = slots.take(1_000);
    const third = slots.take(1_000);
    first!();
    const releaseSecond = await second;
    expect(releaseSecond).toBeDefined();
    expect(slots.inUse).toBe(1);
    releaseSecond!();
    (await third)!();
    expect(slots.inUse).toBe(0);
  });

  it('refuses an upload when no slot frees up in time, and forgets it', async () => {
    const slots = new UploadSlots(1);
    const held = await slots.take(1_000);
    expect(await slots.take(50)).toBeUndefined();
    held!();
    expect(slots.inUse).toBe(0);
    (await slots.take(0))!();
  });

  it('releases once however often release is called', async () => {
    const slots = new UploadSlots(2);
    const release = await slots.take();
    release!();
    release!();
    expect(slots.inUse).toBe(0);
  });
});
