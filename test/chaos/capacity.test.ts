import { describe, it } from 'vitest';
import { capacity } from '../../chaos/load/capacity.js';
import { expectClassPasses, testProfile } from './expect-class.js';

describe('capacity (quick profile)', () => {
  const profile = testProfile();

  it('with Redis at its maxmemory, answers every max-size upload 201 (and the job succeeds) or 503 CAPACITY_EXCEEDED with Retry-After, leaves no job stuck, and accepts uploads again once the retention passed', async () => {
    expectClassPasses(await capacity.run(profile), profile);
  }, 600_000);
});
