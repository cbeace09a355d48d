/**
 * Fault 4: a web process is sent SIGTERM while clients watch through it. Every client on it gets
 * `1001` (not an abnormal close), reconnects to the other web process and receives its terminal
 * state, and the process exits by itself within the contract's 15 s.
 */
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { runFaultRound } from './fault-round.js';
import { CLOSE_GOING_AWAY, CLOSE_NORMAL } from '../../app/domain/wire-contract.js';

/** The contract: on SIGTERM the web server closes every WebSocket with 1001 and exits within 15 s. */
export const SIGTERM_EXIT_BOUND_MS = 15_000;

export const webSigterm: ChaosClass = {
  name: `fault: web SIGTERM, ${CLOSE_GOING_AWAY} and clean exit`,
  websocket: true,
  run: (profile: Profile) =>
    runClass(
      webSigterm.name,
      profile,
      {
        webs: 2,
        env: { ROW_DELAY_MS: String(profile.rowDelayMs), PROGRESS_INTERVAL_MS: '50' },
      },
      async (context) => {
        const { stack, recorder } = context;
        for (let round = 1; round <= profile.faultRounds; round++) {
          let exitCode: number | null = null;
          let exitMs = 0;
          const { watched } = await runFaultRound(
            context,
            {
              label: `web-sigterm-${round}`,
              jobs: profile.jobsPerRound,
              rows: profile.rowsPerJob,
              websocketClients: profile.watchers,
              pollingClients: 0,
              awaitSockets: true,
            },
            async () => {
              const [victim] = stack.webs;
              if (!victim) throw new Error('no web process to stop');
              const sentAt = Date.now();
              exitCode = await stack.kill(victim, 'SIGTERM');
              exitMs = Date.now() - sentAt;
              await stack.startWeb();
              return exitMs;
            },
          );
          recorder.check(
            `round ${round}: the web process exits 0 within ${SIGTERM_EXIT_BOUND_MS / 1000} s of SIGTERM`,
            exitCode === 0 && exitMs <= SIGTERM_EXIT_BOUND_MS
              ? undefined
              : `exit code ${String(exitCode)} after ${exitMs} ms`,
          );
          recorder.note(`round ${round}: exited ${String(exitCode)} ${exitMs} ms after SIGTERM`);
          // Every client was on the stopped process first; its first close is 1001, or 1000 if its job
          // had already ended.
          for (const client of watched.filter((w) => w.transport === 'websocket')) {
            const first = client.closeCodes[0];
            recorder.check(
              `round ${round}: client of job ${client.jobId} got ${CLOSE_GOING_AWAY} from the stopping server`,
              first === CLOSE_GOING_AWAY || first === CLOSE_NORMAL
                ? undefined
                : `its first connection closed with ${String(first)}`,
            );
          }
        }
      },
    ),
};
