/**
 * Bad job ids on every job route must answer `404 NOT_FOUND` exactly like an unknown job (and a
 * traversal path the same `404` as an unknown route): never a `400`/`500`, never another route's data.
 */
import fc from 'fast-check';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { checkErrorAnswer, rawRequest } from '../stack/raw-http.js';
import { badJobIdArbitrary, RAW_PATH_IDS } from './bad-job-ids.js';
import { INPUT_STACK } from './input-stack.js';
import { checkProperty } from './property.js';

const SUFFIXES = ['', '/progress', '/result'] as const;

export const badJobIds: ChaosClass = {
  name: 'input: job ids',
  run: (profile: Profile) =>
    runClass(badJobIds.name, profile, INPUT_STACK, async ({ stack, recorder }) => {
      const token = await stack.token('job-id-prober');
      // The prober has a job of its own, so an id that leaked into a wrong lookup would find something.
      await uploadCsv(stack.url, token, sampleCsv(2));
      const headers = { authorization: `Bearer ${token}` };

      await checkProperty(
        recorder,
        'encoded bad ids answer 404 NOT_FOUND',
        fc.record({ id: badJobIdArbitrary(), suffix: fc.constantFrom(...SUFFIXES) }),
        async ({ id, suffix }) => {
          const response = await rawRequest(stack.url, { path: `/jobs/${encodeURIComponent(id)}${suffix}`, headers });
          return checkErrorAnswer(response, 404, ['NOT_FOUND']);
        },
        profile,
      );

      for (const raw of RAW_PATH_IDS) {
        // A broken percent-escape is a malformed request rather than an unknown job: 400 is right too.
        const malformed = /%(?![0-9a-f]{2})/i.test(raw);
        for (const suffix of SUFFIXES) {
          const response = await rawRequest(stack.url, { path: `/jobs/${raw}${suffix}`, headers });
          recorder.check(
            `GET /jobs/${raw}${suffix}`,
            malformed
              ? checkErrorAnswer(response, [400, 404], ['BAD_REQUEST', 'NOT_FOUND'])
              : checkErrorAnswer(response, 404, ['NOT_FOUND']),
          );
        }
      }
    }),
};
