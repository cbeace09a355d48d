/**
 * Tokens never appear in a log line: a stack at `LOG_LEVEL=trace` is sent valid and forged tokens
 * through every channel (the Authorization header, `?token=` on every route, spellings of the
 * parameter a decoder would still read as `token`, the WebSocket query and subprotocol), then every
 * line of every process is searched for the tokens and for their signatures alone.
 */
import { randomUUID } from 'node:crypto';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { websocketAvailable } from '../clients/watchers.js';
import { connectOnce, wsUrl } from '../clients/ws-watcher.js';
import { forgeToken } from '../inputs/forged-tokens.js';
import { INPUT_STACK } from '../inputs/input-stack.js';
import type { Profile } from '../profile.js';
import { runClass, type ChaosClass } from '../run-class.js';
import { rawRequest } from '../stack/raw-http.js';
import { findTokenLeaks } from '../stack/token-scan.js';

/** Spellings of the parameter that a URL decoder (URLSearchParams, fastify's) reads as `token`. */
const PARAMS = ['token', 'TOKEN', 'access_token', '%74oken', 't%6Fken', 'access%5Ftoken'];

export const tokenLogs: ChaosClass = {
  name: 'security: tokens never logged',
  run: (profile: Profile) =>
    runClass(
      tokenLogs.name,
      profile,
      {
        ...INPUT_STACK,
        env: { ...INPUT_STACK.env, LOG_LEVEL: 'trace' },
      },
      async ({ stack, recorder }) => {
        const token = await stack.token('log-watcher');
        const upload = await uploadCsv(stack.url, token, sampleCsv(2));
        const jobId = upload.body.id;
        const tokens = [
          token,
          await stack.token('log-watcher-2', -10),
          await forgeToken(stack.secret, 'x', 'wrong-secret', 0.5),
          await forgeToken(stack.secret, 'x', 'alg-none', 0.5),
        ];
        tokens.forEach((t) => stack.rememberSecret(t));
        const paths = [
          '/',
          '/jobs',
          `/jobs/${jobId}`,
          `/jobs/${jobId}/progress`,
          `/jobs/${jobId}/result`,
          '/health',
          '/ready',
          '/config',
          '/metrics',
          '/no/such/route',
          `/ws/jobs/${jobId}`,
          `/ws/jobs/${randomUUID()}`,
          '/jobs/..%2f..%2f',
        ];
        let sent = 0;
        for (const value of tokens) {
          for (const path of paths) {
            for (const param of PARAMS) {
              const mark = stack.logMark();
              await rawRequest(stack.url, {
                path: `${path}?a=1&${param}=${value}#x`,
                headers: { authorization: `Bearer ${value}` },
              });
              await rawRequest(stack.url, {
                method: 'POST',
                path: `/jobs?${param}=${value}&filename=x.csv`,
                headers: { authorization: `Bearer ${value}`, 'content-type': 'text/csv' },
                body: sampleCsv(1),
              });
              sent += 2;
              await new Promise((resolve) => setTimeout(resolve, 5));
              const leaks = findTokenLeaks(
                stack.linesSince(mark).map((l) => l.line),
                stack.knownSecrets(),
              );
              recorder.check(
                `token in ?${param}= and the header on ${path}`,
                leaks.length === 0 ? undefined : `logged: ${leaks[0]!.slice(0, 300)}`,
              );
            }
          }
        }
        if (await websocketAvailable(stack)) {
          for (const value of tokens) {
            for (const target of [jobId, randomUUID(), 'not-a-job']) {
              const mark = stack.logMark();
              await connectOnce(wsUrl(stack.url, target), value, 'query');
              await connectOnce(wsUrl(stack.url, target), value, 'subprotocol');
              sent += 2;
              const leaks = findTokenLeaks(
                stack.linesSince(mark).map((l) => l.line),
                stack.knownSecrets(),
              );
              recorder.check(
                `token on a WebSocket upgrade to ${target}`,
                leaks.length === 0 ? undefined : `logged: ${leaks[0]!.slice(0, 300)}`,
              );
            }
          }
        }
        recorder.note(`${sent} requests carried a token; ${stack.logLines().length} log lines searched`);
      },
    ),
};
