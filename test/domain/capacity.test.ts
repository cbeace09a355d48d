import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createGzip } from 'node:zlib';
import {
  capacityMessage,
  CHUNK_BYTES,
  gzipBound,
  jobReservationBytes,
  MAX_RETRY_AFTER_SECONDS,
  retryAfterSeconds,
  storedBytes,
  uploadReservationBytes,
  type CapacityRefusal,
} from '../../app/domain/capacity.js';

/** Gzips `bytes` written in the given chunk sizes (cycled), as the store's writers do. */
async function gzipInChunks(bytes: Buffer, sizes: readonly number[]): Promise<number> {
  const gzip = createGzip({ level: 1 });
  let total = 0;
  gzip.on('data', (chunk: Buffer) => {
    total += chunk.length;
  });
  const done = new Promise((resolve) => gzip.once('end', resolve));
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    gzip.write(bytes.subarray(offset, offset + size));
    offset += size;
  }
  gzip.end();
  await done;
  return total;
}

const memory = (overrides: Partial<Extract<CapacityRefusal, { reason: 'memory' }>>): CapacityRefusal => ({
  reason: 'memory',
  usedBytes: 100,
  limitBytes: 100,
  reservedBytes: 0,
  neededBytes: 10,
  openJobs: 0,
  uploadsInFlight: 0,
  nextExpiryMs: undefined,
  ...overrides,
});

describe('capacity arithmetic', () => {
  it('bounds gzip output of bytes that do not compress, however they are written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 300_000 }),
        fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 4 }),
        async (bytes, sizes) => {
          expect(await gzipInChunks(Buffer.from(bytes), sizes)).toBeLessThanOrEqual(gzipBound(bytes.length));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('counts storage per stored piece and reserves more for larger inputs', () => {
    expect(storedBytes(0)).toBeGreaterThan(0);
    expect(storedBytes(CHUNK_BYTES * 3)).toBe(CHUNK_BYTES * 3 + 3 * (storedBytes(1) - 1));
    expect(uploadReservationBytes(10 * 1024 * 1024)).toBeGreaterThan(10 * 1024 * 1024);
    expect(jobReservationBytes(2_000)).toBeGreaterThan(jobReservationBytes(1_000));
  });

  it('asks to retry soon while work holds the room, at the next expiry otherwise, never beyond an hour', () => {
    expect(retryAfterSeconds(memory({ openJobs: 2 }))).toBe(10);
    expect(retryAfterSeconds(memory({ uploadsInFlight: 1 }))).toBe(10);
    expect(retryAfterSeconds(memory({ nextExpiryMs: 4_200 }))).toBe(5);
    expect(retryAfterSeconds(memory({ nextExpiryMs: 0 }))).toBe(1);
    expect(retryAfterSeconds(memory({ nextExpiryMs: 7 * 86_400_000 }))).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(retryAfterSeconds({ reason: 'backlog', openJobs: 100, maxOpenJobs: 100 })).toBe(30);
    expect(retryAfterSeconds({ reason: 'uploads', uploadsInFlight: 8, uploadConcurrency: 8 })).toBe(2);
  });

  it('says what is full and when to retry', () => {
    expect(capacityMessage(memory({}), 10)).toMatch(/storing too much right now.*retry in 10 s/);
    expect(capacityMessage({ reason: 'backlog', openJobs: 100, maxOpenJobs: 100 }, 30)).toMatch(
      /100 jobs waiting or running.*retry in 30 s/,
    );
  });
});
