import { describe, it } from 'vitest';
import { csvUploads } from '../../chaos/inputs/csv-uploads.js';
import { badJobIds } from '../../chaos/inputs/job-ids.js';
import { badTokens } from '../../chaos/inputs/tokens.js';
import { expectClassPasses, testProfile } from './expect-class.js';

describe('bad input over HTTP (quick profile)', () => {
  const profile = testProfile();

  it('refuses forged, random and oversized tokens with 401 (431 past the header limit)', async () => {
    expectClassPasses(await badTokens.run(profile), profile);
  }, 180_000);

  it('answers 404 NOT_FOUND to traversal, unicode, 10 KB and key-syntax job ids on every job route', async () => {
    expectClassPasses(await badJobIds.run(profile), profile);
  }, 180_000);

  it('refuses bad CSV with the contract codes and the right line, and keeps every cell of good CSV with formulas neutralised', async () => {
    expectClassPasses(await csvUploads.run(profile), profile);
  }, 300_000);
});
