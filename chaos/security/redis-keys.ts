/**
 * Redis key names are built only from validated ids: while bad job ids hit every HTTP route and the
 * WebSocket, and users with hostile ids upload jobs, `MONITOR` records every command the services
 * send; each key-shaped argument must be one the services are meant to build, and no probe text may
 * reach Redis at all.
 */
import fc from 'fast-check';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { websocketAvailable } from '../clients/watchers.js';
import { connectOnce, wsUrl } from '../clients/ws-watcher.js';
import { badJobIdArbitrary, KEY_SYNTAX_IDS } from '../inputs/bad-job-ids.js';
import { INPUT_STACK } from '../inputs/input-stack.js';
import { checkProperty } from '../inputs/property.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { checkErrorAnswer, rawRequest } from '../stack/raw-http.js';
import { isAllowedKey, isKeyLike, isWellFormedJobId } from './redis-key-names.js';
import { TRICKY_USER_PAIRS } from './tricky-users.js';
import { CLOSE_NOT_FOUND } from '../../app/domain/wire-contract.js';

export const redisKeys: ChaosClass = {
  name: 'security: Redis keys only from validated ids',
  run: (profile: Profile) =>
    runClass(redisKeys.name, profile, INPUT_STACK, async ({ stack, recorder }) => {
      const websocket = await websocketAvailable(stack);
      const monitor = await stack.admin().monitor();
      const commands: string[][] = [];
      monitor.on('monitor', (_time: string, args: string[]) => commands.push(args));
      const probes = new Set<string>();
      const token = await stack.token('key-prober');
      const headers = { authorization: `Bearer ${token}` };

      await checkProperty(
        recorder,
        `bad job ids on HTTP and WebSocket routes answer 404 / ${CLOSE_NOT_FOUND}`,
        fc.record({ id: badJobIdArbitrary(), route: fc.constantFrom('', '/progress', '/result', 'ws') }),
        async ({ id, route }) => {
          // A well-formed UUID may be looked up (it is a valid id of no job); anything else may not.
          if (id.length >= 6 && !isWellFormedJobId(id)) probes.add(id);
          if (route === 'ws') {
            if (!websocket) return undefined;
            const socket = await connectOnce(wsUrl(stack.url, encodeURIComponent(id)), token, 'subprotocol');
            return socket.code === CLOSE_NOT_FOUND || (!socket.opened && socket.error?.includes('404'))
              ? undefined
              : `WebSocket to ${JSON.stringify(id.slice(0, 40))} closed ${socket.code} ${socket.error ?? ''}`;
          }
          const response = await rawRequest(stack.url, { path: `/jobs/${encodeURIComponent(id)}${route}`, headers });
          // Over 100 characters fastify's router may refuse first; that too builds no key.
          return response.status === 414 ? undefined : checkErrorAnswer(response, 404, ['NOT_FOUND']);
        },
        profile,
      );

      const hostileUsers = [
        ...new Set([...TRICKY_USER_PAIRS.flat(), ...KEY_SYNTAX_IDS.filter((id) => id.trim() !== '')]),
      ];
      for (const user of hostileUsers) {
        const upload = await uploadCsv(stack.url, await stack.token(user), sampleCsv(1));
        recorder.check(
          `user ${JSON.stringify(user)} uploads a job`,
          upload.status === 201 ? undefined : `answered ${upload.status}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      monitor.disconnect();

      // A hostile user id is stored as a value (the job's owner), which may look like a key or a probe.
      const values = new Set(hostileUsers);
      const audited = commands.map((args) => args.slice(1).filter((arg) => !values.has(arg)));
      const keyArgs = new Set(audited.flat().filter(isKeyLike));
      const strays = [...keyArgs].filter((key) => !isAllowedKey(key));
      recorder.check(
        `every key-shaped argument is a key the services build (${keyArgs.size} distinct in ${commands.length} commands)`,
        strays.length === 0
          ? undefined
          : `${strays.length} unexpected: ${strays
              .slice(0, 5)
              .map((k) => JSON.stringify(k))
              .join(', ')}`,
      );
      // A probe that is itself one of our key names (`pl:jobs:open`) is found for honest reasons.
      const distinctive = [...probes].filter((probe) => !isAllowedKey(probe) && !values.has(probe));
      const reached = distinctive.filter((probe) => audited.some((args) => args.some((arg) => arg.includes(probe))));
      recorder.check(
        `no bad job id reaches Redis (${distinctive.length} probes)`,
        reached.length === 0
          ? undefined
          : `${reached.length} reached Redis, e.g. ${JSON.stringify(reached[0]!.slice(0, 60))}`,
      );
    }),
};
