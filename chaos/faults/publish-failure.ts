/**
 * Fault 7: publishing progress fails mid-job, and the job must not fail because of it. Three ways:
 * Redis refuses writes (`min-replicas-to-write` with no replica: every state change answers
 * NOREPLICAS), Redis holds writes (`CLIENT PAUSE ... WRITE`), and the worker's connections are killed
 * (`CLIENT KILL`). Uploads meanwhile must answer `503`, never `500`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { sampleCsv } from '../../kit/sample-csv.js';
import { awaitOutcomes, judgeOutcomes } from '../clients/job-outcome.js';
import { uploadJobs, waitUntilRunning } from '../clients/job-uploads.js';
import { judgeWatchers, summarizeWatchers } from '../clients/watch-result.js';
import { startWatchers, websocketAvailable } from '../clients/watchers.js';
import type { Profile } from '../profile.js';
import type { CaseRecorder } from '../report/class-result.js';
import { runClass, type ChaosClass } from '../run-class.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { checkErrorAnswer, rawRequest } from '../stack/raw-http.js';

const FAULT_MS = 1_500;

interface PublishFault {
  readonly name: string;
  /** Starts the fault; the answer ends it. */
  inject(admin: Redis, stack: ChaosStack, recorder: CaseRecorder): Promise<() => Promise<void>>;
}

const FAULTS: readonly PublishFault[] = [
  {
    name: 'Redis refuses writes (NOREPLICAS)',
    inject: async (admin, stack, recorder) => {
      await admin.config('SET', 'min-replicas-to-write', '1');
      const token = await stack.token('refused-write');
      const upload = await rawRequest(stack.url, {
        method: 'POST',
        path: '/jobs?filename=refused.csv',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: sampleCsv(3),
      });
      recorder.check(
        'POST /jobs answers 503 while Redis refuses writes',
        checkErrorAnswer(upload, 503, ['DEPENDENCY_DOWN']),
      );
      return async () => {
        await admin.config('SET', 'min-replicas-to-write', '0');
      };
    },
  },
  {
    name: 'Redis holds writes (CLIENT PAUSE WRITE)',
    inject: async (admin) => {
      await admin.call('CLIENT', 'PAUSE', String(FAULT_MS), 'WRITE');
      return async () => {
        await admin.call('CLIENT', 'UNPAUSE');
      };
    },
  },
  {
    name: "worker's connections killed (CLIENT KILL)",
    inject: async (admin) => {
      const killed = await killWorkerConnections(admin);
      const repeat = setInterval(() => {
        killWorkerConnections(admin).catch(() => undefined);
      }, 300);
      if (killed === 0) throw new Error('no worker connection found to kill');
      return () => {
        clearInterval(repeat);
        return Promise.resolve();
      };
    },
  },
];

/** Kills every connection named `personalizedline-worker*`; answers how many. */
async function killWorkerConnections(admin: Redis): Promise<number> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  const ids = list
    .split('\n')
    .filter((line) => /\bname=personalizedline-worker/.test(line))
    .map((line) => /\bid=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id).catch(() => undefined);
  return ids.length;
}

export const publishFailure: ChaosClass = {
  name: 'fault: publish fails mid-job',
  run: (profile: Profile) =>
    runClass(
      publishFailure.name,
      profile,
      {
        env: { ROW_DELAY_MS: String(profile.rowDelayMs), PROGRESS_INTERVAL_MS: '50' },
      },
      async ({ stack, recorder }) => {
        const websocket = await websocketAvailable(stack);
        const admin = stack.admin();
        const rows = Math.ceil((FAULT_MS * 3) / profile.rowDelayMs);
        for (let round = 1; round <= profile.faultRounds; round++) {
          for (const fault of FAULTS) {
            const jobs = await uploadJobs(stack, profile.jobsPerRound, rows, `publish-${round}`);
            const watchers = startWatchers(stack, jobs, {
              websocket: websocket ? jobs.length * 3 : 0,
              polling: jobs.length,
              deadline: Date.now() + 90_000,
            });
            await waitUntilRunning(stack, jobs, 3);
            const end = await fault.inject(admin, stack, recorder);
            await sleep(FAULT_MS);
            const endedAt = Date.now();
            await end();
            const outcomes = await awaitOutcomes(stack, jobs, 90_000);
            recorder.recovered(Date.now() - endedAt);
            const before = recorder.result().failures.length;
            judgeOutcomes(recorder, outcomes, { allowFailed: false });
            const watched = await watchers;
            judgeWatchers(recorder, watched);
            const failures = recorder.result().failures.length - before;
            recorder.note(
              `round ${round}, ${fault.name}: ${failures === 0 ? 'every job succeeded, every client saw it' : `${failures} failure(s)`}; ${summarizeWatchers(watched)}`,
            );
          }
        }
      },
    ),
};
