/**
 * Fault 1: Redis stopped for 5 s and started again (append-only persistence on, as in the
 * manifests) while jobs run and clients watch. Every job must succeed with every row, every client
 * must get the terminal state, and the API must answer 503 (not hang, not 500) during the outage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { websocketAvailable } from '../clients/watchers.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { runFaultRound } from './fault-round.js';
import { probeWhileRedisDown, waitUntilReady } from './service-probes.js';

export const REDIS_OUTAGE_MS = 5_000;

export const redisRestart: ChaosClass = {
  name: 'fault: Redis down 5 s, restarted (AOF)',
  run: (profile: Profile) =>
    runClass(
      redisRestart.name,
      profile,
      {
        env: { ROW_DELAY_MS: String(profile.rowDelayMs), PROGRESS_INTERVAL_MS: '50' },
      },
      async (context) => {
        const { stack, recorder } = context;
        const websocket = await websocketAvailable(stack);
        // Long enough that every job is still running when Redis comes back.
        const rows = Math.ceil((REDIS_OUTAGE_MS * 1.5) / profile.rowDelayMs);
        for (let round = 1; round <= profile.faultRounds; round++) {
          await runFaultRound(
            context,
            {
              label: `redis-restart-${round}`,
              jobs: profile.jobsPerRound,
              rows,
              websocketClients: websocket ? profile.watchers : 0,
              pollingClients: websocket ? profile.jobsPerRound : profile.watchers,
            },
            async (jobs) => {
              const stoppedAt = Date.now();
              await stack.redis.stop();
              const probes = await probeWhileRedisDown(stack.url, jobs[0]!.token);
              for (const [name, failure] of Object.entries(probes)) recorder.check(name, failure);
              await sleep(Math.max(0, REDIS_OUTAGE_MS - (Date.now() - stoppedAt)));
              await stack.redis.start();
              return waitUntilReady(stack.webs.map((w) => w.url));
            },
          );
        }
      },
    ),
};
