/**
 * Bad tokens over HTTP: forged ones (every defect in the catalogue, on every authenticated route)
 * and random strings must answer `401 UNAUTHORIZED`; a header beyond Node's limit gets Node's `431`.
 */
import fc from 'fast-check';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { checkErrorAnswer, rawRequest, type RawRequest } from '../stack/raw-http.js';
import { forgeToken, TOKEN_DEFECTS } from './forged-tokens.js';
import { INPUT_STACK } from './input-stack.js';
import { checkProperty } from './property.js';

const ROUTES = [
  'GET /jobs',
  'POST /jobs',
  'GET /jobs/{id}',
  'GET /jobs/{id}/progress',
  'GET /jobs/{id}/result',
] as const;

function requestFor(route: (typeof ROUTES)[number], jobId: string, authorization: string | undefined): RawRequest {
  const [method, pattern] = route.split(' ') as [string, string];
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  if (method === 'POST')
    return {
      method,
      path: '/jobs?filename=t.csv',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: sampleCsv(2),
    };
  return { method, path: pattern.replace('{id}', jobId), headers };
}

export const badTokens: ChaosClass = {
  name: 'input: tokens',
  run: (profile: Profile) =>
    runClass(badTokens.name, profile, INPUT_STACK, async ({ stack, recorder }) => {
      const owner = 'token-owner';
      const ownerToken = await stack.token(owner);
      const own = await uploadCsv(stack.url, ownerToken, sampleCsv(3));
      const jobId = own.body.id;

      const control = await rawRequest(stack.url, requestFor('GET /jobs/{id}', jobId, `Bearer ${ownerToken}`));
      recorder.check(
        'a valid token reads its own job (control)',
        control.status === 200 ? undefined : `answered ${control.status}`,
      );

      await checkProperty(
        recorder,
        'forged tokens answer 401',
        fc.record({
          defect: fc.constantFrom(...TOKEN_DEFECTS),
          seed: fc.double({ min: 0, max: 1, noNaN: true }),
          route: fc.constantFrom(...ROUTES),
        }),
        async ({ defect, seed, route }) => {
          const token = await forgeToken(stack.secret, owner, defect, seed);
          stack.rememberSecret(token);
          const failure = checkErrorAnswer(
            await rawRequest(stack.url, requestFor(route, jobId, `Bearer ${token}`)),
            401,
            ['UNAUTHORIZED'],
          );
          return failure && `${defect} on ${route}: ${failure}`;
        },
        profile,
      );

      // Header values must be visible ASCII for Node's client to send them at all.
      const headerText = fc
        .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 600 })
        .map((s) => s.trim());
      await checkProperty(
        recorder,
        'random Authorization values answer 401',
        fc.record({ value: headerText, bearer: fc.boolean(), route: fc.constantFrom(...ROUTES) }),
        async ({ value, bearer, route }) => {
          const response = await rawRequest(stack.url, requestFor(route, jobId, bearer ? `Bearer ${value}` : value));
          return checkErrorAnswer(response, 401, ['UNAUTHORIZED']);
        },
        profile,
      );

      const missing = await rawRequest(stack.url, requestFor('GET /jobs', jobId, undefined));
      recorder.check('no Authorization header answers 401', checkErrorAnswer(missing, 401, ['UNAUTHORIZED']));

      // Beyond Node's 16 KiB header limit the HTTP parser refuses before the app: 431, no crash.
      const oversize = await rawRequest(
        stack.url,
        requestFor('GET /jobs', jobId, `Bearer ${'A'.repeat(64 * 1024)}`),
      ).catch((error: Error) => ({ status: 0, text: error.message }));
      recorder.check(
        'a 64 KiB token answers 431 (Node header limit)',
        oversize.status === 431 ? undefined : `answered ${oversize.status}: ${oversize.text.slice(0, 100)}`,
      );
    }),
};
