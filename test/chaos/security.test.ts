import { describe, it } from 'vitest';
import { queryStrings } from '../../chaos/inputs/query-strings.js';
import { securityHeaders } from '../../chaos/security/headers.js';
import { isolation } from '../../chaos/security/isolation.js';
import { redisKeys } from '../../chaos/security/redis-keys.js';
import { tokenLogs } from '../../chaos/security/token-logs.js';
import { expectClassPasses, testProfile } from './expect-class.js';

describe('security review items (quick profile)', () => {
  const profile = testProfile();

  it("hides another user's jobs on every route and on the WebSocket", async () => {
    expectClassPasses(await isolation.run(profile), profile);
  }, 180_000);

  it('sends a CSP without inline script and nosniff; serves results as text/csv attachments', async () => {
    expectClassPasses(await securityHeaders.run(profile), profile);
  }, 180_000);

  it('never logs a token, whichever way it arrives (LOG_LEVEL=trace)', async () => {
    expectClassPasses(await tokenLogs.run(profile), profile);
  }, 180_000);

  it('builds Redis keys only from validated ids (MONITOR audit)', async () => {
    expectClassPasses(await redisKeys.run(profile), profile);
  }, 180_000);

  it('answers query strings of every shape with 200 or a contract 400, never 5xx', async () => {
    expectClassPasses(await queryStrings.run(profile), profile);
  }, 180_000);
});
