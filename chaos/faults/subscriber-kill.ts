/**
 * Fault 2: the web process' Redis subscriber connection is killed (`CLIENT KILL`) again and again
 * while clients watch, including around the jobs' last states. The relay must resubscribe and
 * resend snapshots, so every client still receives its terminal state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { runFaultRound } from './fault-round.js';

/** Kills every connection named `personalizedline-web-subscriber`; answers how many. */
export async function killSubscribers(admin: Redis): Promise<number> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  const ids = list
    .split('\n')
    .filter((line) => /\bname=personalizedline-web-subscriber\b/.test(line))
    .map((line) => /\bid=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id).catch(() => undefined);
  return ids.length;
}

export const subscriberKill: ChaosClass = {
  name: 'fault: web subscriber CLIENT KILL',
  websocket: true,
  run: (profile: Profile) =>
    runClass(
      subscriberKill.name,
      profile,
      {
        env: { ROW_DELAY_MS: String(profile.rowDelayMs), PROGRESS_INTERVAL_MS: '50' },
      },
      async (context) => {
        const admin = context.stack.admin();
        for (let round = 1; round <= profile.faultRounds; round++) {
          let kills = 0;
          await runFaultRound(
            context,
            {
              label: `subscriber-kill-${round}`,
              jobs: profile.jobsPerRound,
              rows: profile.rowsPerJob,
              websocketClients: profile.watchers,
              pollingClients: 0,
            },
            async (jobs) => {
              // Keep killing until every job has ended, so some terminal states fall into a gap.
              const finished = new Set<string>();
              const deadline = Date.now() + 60_000;
              while (finished.size < jobs.length && Date.now() < deadline) {
                kills += await killSubscribers(admin);
                await sleep(150 + Math.random() * 200);
                for (const job of jobs) {
                  const response = await fetch(`${context.stack.url}/jobs/${job.id}`, {
                    headers: { authorization: `Bearer ${job.token}` },
                  });
                  const body = (await response.json()) as { status: string };
                  if (body.status === 'succeeded' || body.status === 'failed') finished.add(job.id);
                }
              }
              // Recovery: from the last kill until the subscriber connection is back.
              const killedAt = Date.now();
              kills += await killSubscribers(admin);
              while (!/\bname=personalizedline-web-subscriber\b/.test((await admin.call('CLIENT', 'LIST')) as string)) {
                if (Date.now() - killedAt > 60_000)
                  throw new Error('the subscriber connection did not come back within 60 s');
                await sleep(10);
              }
              return Date.now() - killedAt;
            },
          );
          context.recorder.check(
            `round ${round}: the subscriber connection was killed`,
            kills > 0 ? undefined : 'no subscriber connection found',
          );
          context.recorder.note(`round ${round}: ${kills} subscriber connections killed`);
        }
      },
    ),
};
