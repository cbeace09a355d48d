/**
 * Fault 1: Redis stopped for 5 s and started again (append-only persistence on, as in the
 * manifests) while jobs run and clients watch. Every job must succeed with every row, every client
 * must get the terminal state, and the API must answer 503 (not hang, not 500) during the outage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { awaitJobOutcome, judgeOutcomes } from '../clients/job-outcome.js';
import { uploadJobs, waitUntilRunning } from '../clients/job-uploads.js';
import { judgeWatchers, summarizeWatchers } from '../clients/watch-result.js';
import { startWatchers, websocketAvailable } from '../clients/watchers.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { probeWhileRedisDown, waitUntilReady } from './service-probes.js';

export const REDIS_OUTAGE_MS = 5_000;

export const redisRestart: ChaosClass = {
  name: 'fault: Redis down 5 s, restarted (AOF)',
  run: (profile: Profile) => runClass(redisRestart.name, profile, {
    env: { ROW_DELAY_MS: String(profile.rowDelayMs), PROGRESS_INTERVAL_MS: '50' },
  }, async ({ stack, recorder }) => {
    const websocket = await websocketAvailable(stack);
    // Long enough that every job is still running when Redis comes back.
    const rows = Math.ceil((REDIS_OUTAGE_MS * 1.5) / profile.rowDelayMs);
    for (let round = 1; round <= profile.faultRounds; round++) {
      const jobs = await uploadJobs(stack, profile.jobsPerRound, rows, `redis-restart-${round}`);
      const deadline = Date.now() + 120_000;
      const watchers = startWatchers(stack, jobs, {
        websocket: websocket ? profile.watchers : 0, polling: websocket ? jobs.length : profile.watchers, deadline,
      });
      await waitUntilRunning(stack, jobs, 3);
      const stoppedAt = Date.now();
      await stack.redis.stop();
      const probes = await probeWhileRedisDown(stack.url, jobs[0]!.token);
      for (const [name, failure] of Object.entries(probes)) recorder.check(name, failure);
      await sleep(Math.max(0, REDIS_OUTAGE_MS - (Date.now() - stoppedAt)));
      await stack.redis.start();
      recorder.recovered(await waitUntilReady(stack.webs.map((w) => w.url)));
      const outcomes = await Promise.all(jobs.map((job) => awaitJobOutcome({
        urls: () => stack.webs.map((w) => w.url), token: job.token, jobId: job.id, expectedRows: job.rows, timeoutMs: 120_000,
      })));
      judgeOutcomes(recorder, outcomes, { allowFailed: false });
      const watched = await watchers;
      judgeWatchers(recorder, watched);
      recorder.note(`round ${round}: ${summarizeWatchers(watched)}`);
    }
  }),
};
