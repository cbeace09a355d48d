import { describe, it } from 'vitest';
import { subscriberKill } from '../../chaos/faults/subscriber-kill.js';
import { webSigkill } from '../../chaos/faults/web-sigkill.js';
import { webSigterm } from '../../chaos/faults/web-sigterm.js';
import { expectClassPasses, testProfile } from './expect-class.js';

describe('web process faults with WebSocket clients watching (quick profile)', () => {
  const profile = testProfile();

  it('delivers every terminal state while the subscriber connection is killed again and again', async () => {
    expectClassPasses(await subscriberKill.run(profile), profile);
  }, 240_000);

  it('moves clients of a SIGKILLed web process to the other one, where they catch up by seq', async () => {
    expectClassPasses(await webSigkill.run(profile), profile);
  }, 240_000);

  it('closes with 1001 on SIGTERM, exits within 15 s, and the clients finish on the other process', async () => {
    expectClassPasses(await webSigterm.run(profile), profile);
  }, 240_000);
});
