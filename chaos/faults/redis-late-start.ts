/**
 * Fault 6: Redis unreachable when web and worker start. They must start anyway, report not-ready
 * on `/ready` (503), and recover by themselves once Redis comes up; then a normal job is served (the
 * baseline and the after-class check each run one).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Profile } from '../profile.js';
import type { CaseRecorder } from '../report/class-result.js';
import { runClass, type ChaosClass } from '../run-class.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import { probeWhileRedisDown, waitUntilReady } from './service-probes.js';

/** How long Redis stays away after the processes started. */
const DOWN_AFTER_START_MS = 3_000;

export const redisLateStart: ChaosClass = {
  name: 'fault: Redis unreachable at start',
  run: (profile: Profile) =>
    runClass(
      redisLateStart.name,
      profile,
      { redisDownAtStart: true },
      async ({ stack, recorder }) => {
        // The prelude already checked the first start; later rounds repeat it with fresh processes.
        for (let round = 2; round <= profile.faultRounds; round++) {
          for (const p of stack.live()) await stack.kill(p.proc, 'SIGTERM');
          await stack.redis.stop();
          await stack.startWeb();
          await stack.startWorker();
          await checkDownThenUp(stack, recorder);
        }
      },
      async ({ stack, recorder }) => checkDownThenUp(stack, recorder),
    ),
};

async function checkDownThenUp(stack: ChaosStack, recorder: CaseRecorder): Promise<void> {
  await sleep(DOWN_AFTER_START_MS);
  recorder.check(
    'web and worker keep running without Redis',
    stack.crashed().length === 0
      ? undefined
      : `exited: ${stack
          .crashed()
          .map((p) => p.name)
          .join(', ')}`,
  );
  const token = await stack.token('late-start');
  for (const [name, failure] of Object.entries(await probeWhileRedisDown(stack.url, token)))
    recorder.check(name, failure);
  const startedAt = Date.now();
  await stack.redis.start();
  try {
    await waitUntilReady(stack.webs.map((w) => w.url));
    recorder.recovered(Date.now() - startedAt);
    recorder.check('GET /ready answers 200 once Redis is up', undefined);
  } catch (error) {
    recorder.check('GET /ready answers 200 once Redis is up', (error as Error).message);
  }
}
