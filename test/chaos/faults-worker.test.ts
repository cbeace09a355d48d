import { describe, it } from 'vitest';
import { workerSigkill } from '../../chaos/faults/worker-sigkill.js';
import { expectClassPasses, testProfile } from './expect-class.js';

describe('worker faults (quick profile)', () => {
  const profile = testProfile();

  it('finishes or fails every job of a worker killed with SIGKILL mid-job; none stays running', async () => {
    expectClassPasses(await workerSigkill.run(profile), profile);
  }, 240_000);
});
