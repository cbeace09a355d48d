/**
 * Security headers and downloads: the page has a CSP without inline script, `nosniff` and no
 * referrer (the token rides in its URL once); every answer carries `nosniff`; a result download is
 * `200 text/csv` with `Content-Disposition: attachment` and a harmless file name whatever the upload
 * was called, never a redirect, never HTML.
 */
import fc from 'fast-check';
import { uploadCsv } from '../../kit/csv-upload.js';
import { awaitJobOutcome } from '../clients/job-outcome.js';
import { INPUT_STACK } from '../inputs/input-stack.js';
import { checkProperty } from '../inputs/property.js';
import type { Profile } from '../profile.js';
import type { CaseRecorder } from '../report/class-result.js';
import { runClass, type ChaosClass } from '../run-class.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { rawRequest, type RawResponse } from '../stack/raw-http.js';
import { inlineScriptProblem, scriptPolicyProblem } from './csp.js';

const SAFE_DISPOSITION = /^attachment; filename="[A-Za-z0-9_.-]+"$/;

function nosniff(response: RawResponse): string | undefined {
  return response.headers['x-content-type-options'] === 'nosniff'
    ? undefined
    : `X-Content-Type-Options is ${String(response.headers['x-content-type-options'])}`;
}

async function checkPage(stack: ChaosStack, recorder: CaseRecorder): Promise<void> {
  const token = await stack.token('page-viewer');
  const page = await rawRequest(stack.url, { path: `/?token=${token}` });
  recorder.check(
    'GET / answers 200 text/html',
    page.status === 200 && /^text\/html/.test(String(page.headers['content-type']))
      ? undefined
      : `answered ${page.status} ${String(page.headers['content-type'])}`,
  );
  recorder.check(
    'the page has a CSP that forbids inline and foreign script',
    scriptPolicyProblem(page.headers['content-security-policy'] as string | undefined),
  );
  recorder.check('the page holds no inline script', inlineScriptProblem(page.text));
  recorder.check('the page sends X-Content-Type-Options: nosniff', nosniff(page));
  recorder.check(
    'the page sends Referrer-Policy: no-referrer (its URL holds the token)',
    page.headers['referrer-policy'] === 'no-referrer'
      ? undefined
      : `Referrer-Policy is ${String(page.headers['referrer-policy'])}`,
  );
  recorder.check(
    'the page does not echo the token',
    page.text.includes(token) ? 'the token appears in the HTML' : undefined,
  );
  for (const match of page.text.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/gi)) {
    const script = await rawRequest(stack.url, { path: new URL(match[1]!, `${stack.url}/`).pathname });
    recorder.check(
      `${match[1]} is served as JavaScript with nosniff`,
      /javascript/.test(String(script.headers['content-type']))
        ? nosniff(script)
        : `content type ${String(script.headers['content-type'])}`,
    );
  }
}

async function checkEveryAnswer(stack: ChaosStack, recorder: CaseRecorder, token: string): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  const answers: [string, Promise<RawResponse>][] = [
    ['GET /health', rawRequest(stack.url, { path: '/health' })],
    ['GET /config', rawRequest(stack.url, { path: '/config' })],
    ['GET /jobs without a token (401)', rawRequest(stack.url, { path: '/jobs' })],
    ['GET /jobs', rawRequest(stack.url, { path: '/jobs', headers: auth })],
    ['GET an unknown route (404)', rawRequest(stack.url, { path: '/no/such/route' })],
    [
      'GET /jobs/{unknown} (404)',
      rawRequest(stack.url, { path: '/jobs/00000000-0000-4000-8000-000000000000', headers: auth }),
    ],
    [
      'POST /jobs with a bad body (400)',
      rawRequest(stack.url, {
        method: 'POST',
        path: '/jobs',
        headers: { ...auth, 'content-type': 'text/csv' },
        body: '',
      }),
    ],
  ];
  for (const [name, answer] of answers) recorder.check(`${name} sends nosniff`, nosniff(await answer));
}

export const securityHeaders: ChaosClass = {
  name: 'security: headers and downloads',
  run: (profile: Profile) =>
    runClass(securityHeaders.name, profile, INPUT_STACK, async ({ stack, recorder }) => {
      await checkPage(stack, recorder);
      const token = await stack.token('downloader');
      await checkEveryAnswer(stack, recorder, token);

      const filenames = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.constantFrom(
          '"; filename="evil.html',
          'x.html',
          'a\r\nLocation: http://evil.example',
          '../../etc/passwd',
          '<script>alert(1)</script>.csv',
          'résumé.csv',
          '%0d%0aSet-Cookie:x',
          'https://evil.example/x.csv',
          '.csv',
          '',
        ),
      );
      await checkProperty(
        recorder,
        'a result download is an attachment of text/csv whatever the file was called',
        filenames,
        async (filename) => {
          const upload = await uploadCsv(stack.url, token, `name,notes\nAda,<script>alert(1)</script>\n`, { filename });
          if (upload.status !== 201) return `upload answered ${upload.status}`;
          const outcome = await awaitJobOutcome({
            urls: () => [stack.url],
            token,
            jobId: upload.body.id,
            expectedRows: 1,
            timeoutMs: 60_000,
          });
          if (outcome.status !== 'succeeded') return `job ${outcome.status}: ${outcome.detail}`;
          const result = await rawRequest(stack.url, {
            path: `/jobs/${upload.body.id}/result`,
            headers: { authorization: `Bearer ${token}` },
          });
          if (result.status !== 200) return `GET /result answered ${result.status}`;
          if (result.headers.location !== undefined) return `a Location header: ${String(result.headers.location)}`;
          if (!/^text\/csv\b/.test(String(result.headers['content-type'])))
            return `content type ${String(result.headers['content-type'])}`;
          const disposition = String(result.headers['content-disposition']);
          if (!SAFE_DISPOSITION.test(disposition)) return `Content-Disposition ${JSON.stringify(disposition)}`;
          return nosniff(result);
        },
        profile,
        { runs: Math.min(profile.propertyRuns, 60) },
      );
    }),
};
