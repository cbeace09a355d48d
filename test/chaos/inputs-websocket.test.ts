import { describe, it } from 'vitest';
import { websocketFrames, websocketUpgrades } from '../../chaos/inputs/websocket-inputs.js';
import { expectClassPasses, testProfile } from './expect-class.js';

describe('bad input on the WebSocket (quick profile)', () => {
  const profile = testProfile();

  it('answers client frames per RFC 6455: ignored, pong, echo, or 1002/1007/1009', async () => {
    expectClassPasses(await websocketFrames.run(profile), profile);
  }, 240_000);

  it('refuses unknown paths with 404, bad ids with 4404, bad tokens with 4401, and survives slow-loris upgrades', async () => {
    expectClassPasses(await websocketUpgrades.run(profile), profile);
  }, 240_000);
});
