/** Every class of the suite, in the order `npm run chaos` runs them. */
import { publishFailure } from './faults/publish-failure.js';
import { redisLateStart } from './faults/redis-late-start.js';
import { redisRestart } from './faults/redis-restart.js';
import { subscriberKill } from './faults/subscriber-kill.js';
import { webSigkill } from './faults/web-sigkill.js';
import { webSigterm } from './faults/web-sigterm.js';
import { workerSigkill } from './faults/worker-sigkill.js';
import { csvUploads } from './inputs/csv-uploads.js';
import { badJobIds } from './inputs/job-ids.js';
import { queryStrings } from './inputs/query-strings.js';
import { badTokens } from './inputs/tokens.js';
import { websocketFrames, websocketUpgrades } from './inputs/websocket-inputs.js';
import { abuse } from './load/abuse.js';
import { capacity } from './load/capacity.js';
import { websocketLoad } from './load/websocket-load.js';
import type { ChaosClass } from './run-class.js';
import { securityHeaders } from './security/headers.js';
import { isolation } from './security/isolation.js';
import { redisKeys } from './security/redis-keys.js';
import { tokenLogs } from './security/token-logs.js';

export const FAULT_CLASSES: readonly ChaosClass[] = [
  redisRestart,
  subscriberKill,
  webSigkill,
  webSigterm,
  workerSigkill,
  redisLateStart,
  publishFailure,
];

export const INPUT_CLASSES: readonly ChaosClass[] = [
  badTokens,
  badJobIds,
  csvUploads,
  queryStrings,
  websocketFrames,
  websocketUpgrades,
];

export const SECURITY_CLASSES: readonly ChaosClass[] = [isolation, securityHeaders, tokenLogs, redisKeys];

export const LOAD_CLASSES: readonly ChaosClass[] = [websocketLoad, abuse, capacity];

export const ALL_CLASSES: readonly ChaosClass[] = [
  ...FAULT_CLASSES,
  ...INPUT_CLASSES,
  ...SECURITY_CLASSES,
  ...LOAD_CLASSES,
];
