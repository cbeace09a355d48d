import { describe, it } from 'vitest';
import { abuse } from '../../chaos/load/abuse.js';
import { websocketLoad } from '../../chaos/load/websocket-load.js';
import { expectClassPasses, testProfile } from './expect-class.js';

describe('load and abuse (quick profile)', () => {
  const profile = testProfile();

  it('delivers every terminal state to WebSocket and polling clients of many jobs under load', async () => {
    expectClassPasses(await websocketLoad.run(profile), profile);
  }, 240_000);

  it('enforces the per-user cap (4429) and upload rate (429) and stays bounded with clients that never read', async () => {
    expectClassPasses(await abuse.run(profile), profile);
  }, 300_000);
});
