/**
 * Uploads are rate-limited per user: past UPLOADS_PER_MINUTE in one minute a user gets `429
 * RATE_LIMITED`, while another user uploads as usual.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import type { CaseRecorder } from '../report/class-result.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { checkErrorAnswer, rawRequest } from '../stack/raw-http.js';

export async function checkUploadRate(stack: ChaosStack, recorder: CaseRecorder, perMinute: number): Promise<void> {
  // The limit counts per clock minute: start early in one so the burst does not straddle two.
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await sleep(60_000 - intoMinute + 200);
  const token = await stack.token('eager-uploader');
  const extra = 3;
  const statuses: number[] = [];
  for (let i = 0; i < perMinute + extra; i++) {
    const response = await rawRequest(stack.url, {
      method: 'POST',
      path: '/jobs?filename=burst.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: sampleCsv(1),
    });
    statuses.push(response.status);
    if (i >= perMinute)
      recorder.check(
        `upload ${i + 1} of one user in a minute answers 429`,
        checkErrorAnswer(response, 429, ['RATE_LIMITED']),
      );
  }
  const accepted = statuses.filter((s) => s === 201).length;
  recorder.check(
    `the first ${perMinute} uploads of the minute are accepted`,
    accepted === perMinute ? undefined : `statuses ${statuses.join(',')}`,
  );
  const other = await uploadCsv(stack.url, await stack.token('patient-uploader'), sampleCsv(1));
  recorder.check('another user still uploads', other.status === 201 ? undefined : `answered ${other.status}`);
}
