/** The WebSocket input classes: client frames, and upgrades (paths, handshakes, tokens, slow-loris, off). */
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import type { StackOptions } from '../stack/chaos-stack.js';
import { checkClientFrames } from './websocket-frames.js';
import {
  checkSlowLoris,
  checkUpgradePaths,
  checkWebsocketDisabled,
  checkWebsocketTokens,
} from './websocket-upgrades.js';

// Each case opens its own connection; the per-user cap is the load class's subject, not this one's.
const WS_INPUT_STACK: StackOptions = {
  env: { ROW_DELAY_MS: '20', UPLOADS_PER_MINUTE: '1000000', WS_MAX_CONNECTIONS_PER_USER: '100000' },
};

/** A job that keeps running for the whole class, so every connection gets a live socket. */
const LONG_JOB_ROWS = 20_000;

export const websocketFrames: ChaosClass = {
  name: 'input: WebSocket client frames',
  websocket: true,
  run: (profile: Profile) =>
    runClass(websocketFrames.name, profile, WS_INPUT_STACK, async ({ stack, recorder }) => {
      const token = await stack.token('frame-sender');
      const upload = await uploadCsv(stack.url, token, sampleCsv(LONG_JOB_ROWS));
      await checkClientFrames(stack, recorder, profile, upload.body.id, token);
    }),
};

export const websocketUpgrades: ChaosClass = {
  name: 'input: WebSocket upgrades',
  websocket: true,
  run: (profile: Profile) =>
    runClass(websocketUpgrades.name, profile, WS_INPUT_STACK, async ({ stack, recorder }) => {
      const owner = 'upgrader';
      const token = await stack.token(owner);
      const upload = await uploadCsv(stack.url, token, sampleCsv(LONG_JOB_ROWS));
      await checkUpgradePaths(stack, recorder, profile, token);
      await checkWebsocketTokens(stack, recorder, profile, upload.body.id, owner);
      await checkSlowLoris(stack, recorder, profile.name === 'full' ? 1_000 : 200);
      await checkWebsocketDisabled(stack, recorder);
    }),
};
