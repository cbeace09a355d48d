/**
 * Fault 3: a web process is killed with SIGKILL while clients watch through it. The clients
 * reconnect to the second web process, catch up by `seq` from its snapshot, and each receives its
 * terminal state; no seq carries two different states.
 */
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { waitUntilReady } from './service-probes.js';
import { runFaultRound } from './fault-round.js';
import { CLOSE_ABNORMAL } from '../../app/domain/wire-contract.js';

export const webSigkill: ChaosClass = {
  name: 'fault: web SIGKILL, clients fail over',
  websocket: true,
  run: (profile: Profile) =>
    runClass(
      webSigkill.name,
      profile,
      {
        webs: 2,
        env: { ROW_DELAY_MS: String(profile.rowDelayMs), PROGRESS_INTERVAL_MS: '50' },
      },
      async (context) => {
        const { stack, recorder } = context;
        for (let round = 1; round <= profile.faultRounds; round++) {
          // Clients connect to the first web process first (and to the next one on every reconnect).
          const { watched } = await runFaultRound(
            context,
            {
              label: `web-sigkill-${round}`,
              jobs: profile.jobsPerRound,
              rows: profile.rowsPerJob,
              websocketClients: profile.watchers,
              pollingClients: profile.jobsPerRound,
            },
            async () => {
              const [victim] = stack.webs;
              if (!victim) throw new Error('no web process to kill');
              const killedAt = Date.now();
              await stack.kill(victim, 'SIGKILL');
              await waitUntilReady(stack.webs.map((w) => w.url));
              const recovery = Date.now() - killedAt;
              await stack.startWeb();
              return recovery;
            },
          );
          const failedOver = watched.filter(
            (w) => w.transport === 'websocket' && w.closeCodes[0] === CLOSE_ABNORMAL,
          ).length;
          recorder.note(
            `round ${round}: ${failedOver} WebSocket clients lost their server (${CLOSE_ABNORMAL}) and failed over`,
          );
        }
      },
    ),
};
