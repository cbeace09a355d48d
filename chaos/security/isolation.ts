/**
 * Another user's jobs are invisible on every route: `GET /jobs/{id}`, `/progress` and `/result`
 * answer exactly what an unknown id answers, `GET /jobs` never lists them, and the WebSocket refuses
 * with `4404` like an unknown job.
 */
import { randomUUID } from 'node:crypto';
import { listedJobIds } from '../../kit/api-answers.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { awaitJobOutcome } from '../clients/job-outcome.js';
import { websocketAvailable } from '../clients/watchers.js';
import { connectOnce, wsUrl } from '../clients/ws-watcher.js';
import { checkProperty } from '../inputs/property.js';
import { INPUT_STACK } from '../inputs/input-stack.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { rawRequest } from '../stack/raw-http.js';
import { userPairArbitrary } from './tricky-users.js';
import { CLOSE_NOT_FOUND } from '../../app/domain/wire-contract.js';

const SUFFIXES = ['', '/progress', '/result'];

/** Compares what `intruder` gets for `jobId` with what it gets for an id that does not exist. */
async function checkInvisible(
  stack: ChaosStack,
  intruderToken: string,
  jobId: string,
  websocket: boolean,
): Promise<string | undefined> {
  const headers = { authorization: `Bearer ${intruderToken}` };
  const unknown = randomUUID();
  for (const suffix of SUFFIXES) {
    const theirs = await rawRequest(stack.url, { path: `/jobs/${jobId}${suffix}`, headers });
    const none = await rawRequest(stack.url, { path: `/jobs/${unknown}${suffix}`, headers });
    if (theirs.status !== 404 || theirs.text !== none.text) {
      return `GET /jobs/{theirs}${suffix} answered ${theirs.status} ${theirs.text.slice(0, 120)}; an unknown id answers ${none.status} ${none.text.slice(0, 120)}`;
    }
  }
  const list = await rawRequest(stack.url, { path: '/jobs?limit=100', headers });
  if (list.status !== 200) return `GET /jobs answered ${list.status}`;
  const listed = listedJobIds(list.json);
  if (!listed) return `GET /jobs answered no job list: ${list.text.slice(0, 120)}`;
  if (listed.includes(jobId)) return "GET /jobs lists the other user's job";
  if (websocket) {
    const theirs = await connectOnce(wsUrl(stack.url, jobId), intruderToken, 'subprotocol');
    const none = await connectOnce(wsUrl(stack.url, unknown), intruderToken, 'subprotocol');
    if (theirs.code !== CLOSE_NOT_FOUND || theirs.frames.length > 0 || none.code !== CLOSE_NOT_FOUND) {
      return `WebSocket on the other user's job closed ${theirs.code} after ${theirs.frames.length} frame(s); unknown id closed ${none.code}`;
    }
  }
  return undefined;
}

export const isolation: ChaosClass = {
  name: "security: other users' jobs invisible",
  run: (profile: Profile) =>
    runClass(isolation.name, profile, INPUT_STACK, async ({ stack, recorder }) => {
      const websocket = await websocketAvailable(stack);
      recorder.note(
        websocket ? 'checked over HTTP and WebSocket' : 'WebSocket endpoint not available: checked over HTTP only',
      );
      const owned: { id: string; token: string; intruderToken: string }[] = [];
      await checkProperty(
        recorder,
        'a job is invisible to every other user id',
        userPairArbitrary(),
        async ([owner, intruder]) => {
          const ownerToken = await stack.token(owner);
          const intruderToken = await stack.token(intruder);
          const upload = await uploadCsv(stack.url, ownerToken, sampleCsv(2));
          if (upload.status !== 201) return `the owner's upload answered ${upload.status}`;
          owned.push({ id: upload.body.id, token: ownerToken, intruderToken });
          return checkInvisible(stack, intruderToken, upload.body.id, websocket);
        },
        profile,
        { runs: Math.min(profile.propertyRuns, 60) },
      );

      // Once the jobs have results, the result route must still hide them.
      const sample = owned.slice(0, 10);
      await Promise.all(
        sample.map((job) =>
          awaitJobOutcome({
            urls: () => [stack.url],
            token: job.token,
            jobId: job.id,
            expectedRows: 2,
            timeoutMs: 60_000,
          }),
        ),
      );
      for (const job of sample) {
        recorder.check(
          `succeeded job ${job.id} stays invisible`,
          await checkInvisible(stack, job.intruderToken, job.id, websocket),
        );
      }
    }),
};
