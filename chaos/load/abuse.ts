/** The abuse class: the per-user WebSocket cap, the per-user upload rate limit, clients that never read. */
import { CONFIG_DEFAULTS } from '../../app/config.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { checkConnectionCap } from './connection-cap.js';
import { checkSlowReaders } from './slow-readers.js';
import { checkUploadRate } from './upload-rate.js';

/** The app's defaults, which the class runs with (WS_MAX_CONNECTIONS_PER_USER, UPLOADS_PER_MINUTE). */
const CAP = CONFIG_DEFAULTS.wsMaxConnectionsPerUser;
const UPLOADS_PER_MINUTE = CONFIG_DEFAULTS.uploadsPerMinute;

export const abuse: ChaosClass = {
  name: 'abuse: connection cap, upload rate, never-reading clients',
  websocket: true,
  run: (profile: Profile) =>
    runClass(
      abuse.name,
      profile,
      {
        // Every row is published, so a stalled reader falls behind fast.
        env: { ROW_DELAY_MS: '0', PROGRESS_INTERVAL_MS: '0' },
      },
      async ({ stack, recorder }) => {
        await checkConnectionCap(stack, recorder, CAP, 50_000);
        await checkUploadRate(stack, recorder, UPLOADS_PER_MINUTE);
        await checkSlowReaders(
          stack,
          recorder,
          profile.name === 'full'
            ? { jobs: 10, clientsPerJob: 20, rows: 50_000 }
            : { jobs: 2, clientsPerJob: 10, rows: 20_000 },
        );
      },
    ),
};
