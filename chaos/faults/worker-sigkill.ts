/**
 * Fault 5: the worker is killed with SIGKILL mid-job. A new worker must finish or fail every job
 * within the stalled-job interval: no job stays `running`, and every client sees the terminal state.
 */
import { awaitOutcomes, judgeOutcomes } from '../clients/job-outcome.js';
import { uploadJobs, waitUntilRunning } from '../clients/job-uploads.js';
import { judgeWatchers, summarizeWatchers } from '../clients/watch-result.js';
import { startWatchers, websocketAvailable } from '../clients/watchers.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';

/** The contract: a job whose worker dies is resumed or failed within 90 s. */
export const WORKER_DEATH_BOUND_MS = 90_000;
/** Short lock so a dead worker's job is noticed in seconds (production keeps 30 s). */
const WORKER_LOCK_MS = '2000';

export const workerSigkill: ChaosClass = {
  name: 'fault: worker SIGKILL mid-job',
  run: (profile: Profile) =>
    runClass(
      workerSigkill.name,
      profile,
      {
        env: { ROW_DELAY_MS: String(profile.rowDelayMs), WORKER_LOCK_MS, PROGRESS_INTERVAL_MS: '50' },
      },
      async ({ stack, recorder }) => {
        const websocket = await websocketAvailable(stack);
        for (let round = 1; round <= profile.faultRounds; round++) {
          const jobs = await uploadJobs(stack, profile.jobsPerRound, profile.rowsPerJob, `worker-kill-${round}`);
          const deadline = Date.now() + WORKER_DEATH_BOUND_MS + 30_000;
          const watchers = startWatchers(stack, jobs, {
            websocket: websocket ? profile.watchers : 0,
            polling: websocket ? jobs.length : profile.watchers,
            deadline,
          });
          await waitUntilRunning(stack, jobs, 3);
          const [worker] = stack.workers;
          if (!worker) throw new Error('no worker to kill');
          const killedAt = Date.now();
          await stack.kill(worker, 'SIGKILL');
          await stack.startWorker();
          const outcomes = await awaitOutcomes(stack, jobs, WORKER_DEATH_BOUND_MS);
          recorder.recovered(Date.now() - killedAt);
          judgeOutcomes(recorder, outcomes, { allowFailed: true });
          const resumed = outcomes.filter((o) => o.status === 'succeeded').length;
          recorder.note(
            `round ${round}: ${resumed} of ${jobs.length} jobs resumed and succeeded, ${outcomes.filter((o) => o.status === 'failed').length} failed with an error`,
          );
          const watched = await watchers;
          judgeWatchers(recorder, watched);
          recorder.note(`round ${round}: ${summarizeWatchers(watched)}`);
        }
      },
    ),
};
