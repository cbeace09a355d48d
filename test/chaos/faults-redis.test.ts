import { describe, it } from 'vitest';
import { publishFailure } from '../../chaos/faults/publish-failure.js';
import { redisLateStart } from '../../chaos/faults/redis-late-start.js';
import { redisRestart } from '../../chaos/faults/redis-restart.js';
import { expectClassPasses, testProfile } from './expect-class.js';

describe('faults around Redis (quick profile)', () => {
  const profile = testProfile();

  it('survives Redis stopped for 5 s and restarted mid-job: every job succeeds, every client sees it', async () => {
    expectClassPasses(await redisRestart.run(profile), profile);
  }, 240_000);

  it('starts without Redis, answers 503 on /ready, and recovers by itself when Redis comes up', async () => {
    expectClassPasses(await redisLateStart.run(profile), profile);
  }, 180_000);

  it('does not fail a job when publishing fails, and answers 503 (not 500) while Redis refuses writes', async () => {
    expectClassPasses(await publishFailure.run(profile), profile);
  }, 240_000);
});
