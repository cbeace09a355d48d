/**
 * `npm run verify` for real: the script runs as a child process against a local stack (real Redis,
 * web and worker processes), and against a second web server with WebSocket turned off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../kit/free-port.js';
import { startRedisServer, type RedisServer } from '../../kit/redis-server.js';
import { startWebProcess, startWorkerProcess, type WebProcess } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';
import { tokenFor } from '../support/jobs-client.js';
import { checkLines, runScript } from './support/run-script.js';
import { createStandIns, type StandIns } from './support/stand-in-tools.js';

const SECRET = 'verify-test-secret-at-least-32-bytes';
const PATH_ONLY_NODE = { PATH: '/usr/bin:/bin' };

describe('npm run verify', () => {
  let redis: RedisServer;
  let web: WebProcess;
  let pollingWeb: WebProcess;
  let worker: NodeProcess;

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, JWT_SECRET: SECRET, ROW_DELAY_MS: '20' };
    [web, pollingWeb, worker] = await Promise.all([
      startWebProcess(env),
      startWebProcess({ ...env, ENABLE_WEBSOCKET: 'false' }),
      startWorkerProcess(env),
    ]);
  });

  afterAll(async () => {
    await Promise.all([web?.stop(), pollingWeb?.stop(), worker?.stop()]);
    await redis?.destroy();
  });

  it('passes every check against the local stack, with a token minted from JWT_SECRET', async () => {
    const run = await runScript('verify.ts', ['--url', web.url], { env: { ...PATH_ONLY_NODE, JWT_SECRET: SECRET } });
    expect(checkLines(run.stdout)).toEqual([
      ['PASS', 'health'],
      ['PASS', 'ready'],
      ['PASS', 'config'],
      ['PASS', 'websocket-job'],
      ['PASS', 'job-result'],
    ]);
    expect(run.stdout).toMatch(/^PASS websocket-job .*succeeded 3\/3, closed 1000$/m);
    // The contract: every stdout line is a check line.
    expect(
      run.stdout
        .trim()
        .split('\n')
        .every((line) => /^(PASS|FAIL) \S+/.test(line)),
    ).toBe(true);
    expect(run.code).toBe(0);
  });

  it('uses --token when given', async () => {
    const token = await tokenFor(SECRET, 'someone');
    const run = await runScript('verify.ts', ['--url', `${web.url}/`, '--token', token], { env: PATH_ONLY_NODE });
    expect(checkLines(run.stdout).every(([verdict]) => verdict === 'PASS')).toBe(true);
    expect(run.code).toBe(0);
  });

  it('fails websocket-job with the reason when the token is signed with another secret', async () => {
    const token = await tokenFor('not-the-secret', 'someone');
    const run = await runScript('verify.ts', ['--url', web.url, '--token', token], { env: PATH_ONLY_NODE });
    expect(checkLines(run.stdout)).toContainEqual(['FAIL', 'websocket-job']);
    expect(run.stdout).toMatch(/^FAIL websocket-job .*401.*JWT_SECRET/m);
    expect(checkLines(run.stdout)).toContainEqual(['PASS', 'health']);
    expect(run.code).toBe(1);
  });

  it('fails health and ready when nothing listens at the URL', async () => {
    const port = await freePort();
    const run = await runScript('verify.ts', ['--url', `http://127.0.0.1:${port}`, '--timeout', '5'], {
      env: { ...PATH_ONLY_NODE, JWT_SECRET: SECRET },
    });
    expect(checkLines(run.stdout).slice(0, 2)).toEqual([
      ['FAIL', 'health'],
      ['FAIL', 'ready'],
    ]);
    expect(run.stdout).toMatch(/ECONNREFUSED/);
    expect(run.code).toBe(1);
  });

  it('fails websocket-job and says so when WebSocket is turned off on the deployment', async () => {
    const run = await runScript('verify.ts', ['--url', pollingWeb.url], {
      env: { ...PATH_ONLY_NODE, JWT_SECRET: SECRET },
    });
    expect(run.stdout).toMatch(/^FAIL config .*--websocket off/m);
    expect(run.stdout).toMatch(/^FAIL websocket-job .*503 WEBSOCKET_DISABLED/m);
    expect(run.code).toBe(1);
  });

  it('with --websocket off checks the refusal and the polling fallback', async () => {
    const run = await runScript('verify.ts', ['--url', pollingWeb.url, '--websocket', 'off'], {
      env: { ...PATH_ONLY_NODE, JWT_SECRET: SECRET },
    });
    expect(checkLines(run.stdout)).toEqual([
      ['PASS', 'health'],
      ['PASS', 'ready'],
      ['PASS', 'config'],
      ['PASS', 'websocket-disabled'],
      ['PASS', 'polling-job'],
      ['PASS', 'job-result'],
    ]);
    expect(run.code).toBe(0);
  });

  it('with --kubectl also checks pods and recent logs of web, rq-worker and redis', async () => {
    const standIns: StandIns = createStandIns(
      [
        { tool: 'kubectl', match: ['get', 'pods', 'app=web'], stdout: podsJson([['web-7d9f8-abcde', true]]) },
        {
          tool: 'kubectl',
          match: ['get', 'pods', 'app=rq-worker'],
          stdout: podsJson([['rq-worker-5c6d7-fghij', false]]),
        },
        { tool: 'kubectl', match: ['get', 'pods', 'app=redis'], stdout: podsJson([['redis-0', true]]) },
        {
          tool: 'kubectl',
          match: ['logs', 'app=web'],
          stdout:
            '{"level":30,"msg":"WebSocket connected for job 1"}\n{"level":30,"msg":"WebSocket disconnected for job 1"}\n',
        },
        {
          tool: 'kubectl',
          match: ['logs', 'app=rq-worker'],
          stdout:
            '{"level":30,"msg":"[Worker] Published failure status for job 2"}\n{"level":50,"msg":"job store write failed"}\n',
        },
        {
          tool: 'kubectl',
          match: ['logs', 'app=redis'],
          stdout: '1:M 01 Jan 2026 10:00:00.000 * Ready to accept connections tcp\n',
        },
      ],
      ['kubectl'],
    );
    try {
      const run = await runScript('verify.ts', ['--url', web.url, '--kubectl', '--namespace', 'pl-test'], {
        env: { PATH: `${standIns.dir}:/usr/bin:/bin`, JWT_SECRET: SECRET },
      });
      expect(checkLines(run.stdout).slice(5)).toEqual([
        ['PASS', 'pods-web'],
        ['FAIL', 'pods-rq-worker'],
        ['PASS', 'pods-redis'],
        ['PASS', 'logs-web'],
        ['FAIL', 'logs-rq-worker'],
        ['PASS', 'logs-redis'],
      ]);
      expect(run.stdout).toMatch(/^FAIL pods-rq-worker .*rq-worker-5c6d7-fghij CrashLoopBackOff/m);
      expect(run.stdout).toMatch(/^FAIL logs-rq-worker .*job store write failed/m);
      expect(standIns.calls()).toEqual([
        'kubectl get pods -n pl-test -l app=web -o json',
        'kubectl get pods -n pl-test -l app=rq-worker -o json',
        'kubectl get pods -n pl-test -l app=redis -o json',
        'kubectl logs -n pl-test -l app=web --tail=200',
        'kubectl logs -n pl-test -l app=rq-worker --tail=200',
        'kubectl logs -n pl-test -l app=redis --tail=200',
      ]);
      expect(run.code).toBe(1);
    } finally {
      standIns.remove();
    }
  });

  it('with --kubectl and Redis outside the cluster (no StatefulSet redis), passes the Redis checks saying so', async () => {
    const rules = (statefulSet: string) => [
      { tool: 'kubectl' as const, match: ['get', 'pods', 'app=web'], stdout: podsJson([['web-7d9f8-abcde', true]]) },
      {
        tool: 'kubectl' as const,
        match: ['get', 'pods', 'app=rq-worker'],
        stdout: podsJson([['rq-worker-5c6d7-fghij', true]]),
      },
      { tool: 'kubectl' as const, match: ['get', 'pods', 'app=redis'], stdout: podsJson([]) },
      { tool: 'kubectl' as const, match: ['get', 'statefulset', 'redis'], stdout: statefulSet },
      { tool: 'kubectl' as const, match: ['logs'], stdout: '{"level":30,"msg":"ok"}\n' },
    ];
    const standIns: StandIns = createStandIns(rules(''), ['kubectl']);
    try {
      const args = ['--url', web.url, '--kubectl', '--namespace', 'pl-test'];
      const env = { env: { PATH: `${standIns.dir}:/usr/bin:/bin`, JWT_SECRET: SECRET } };
      const external = await runScript('verify.ts', args, env);
      expect(external.stdout).toMatch(
        /^PASS pods-redis {2}no in-cluster Redis \(no StatefulSet redis: REDIS=external\)/m,
      );
      expect(external.stdout).toMatch(/^PASS logs-redis {2}no in-cluster Redis/m);
      expect(standIns.calls()).not.toContain('kubectl logs -n pl-test -l app=redis --tail=200');
      expect(external.code).toBe(0);
      // A StatefulSet whose pods are gone is an outage, not an external Redis.
      standIns.setRules(rules('statefulset.apps/redis\n'));
      const down = await runScript('verify.ts', args, env);
      expect(down.stdout).toMatch(/^FAIL pods-redis {2}no pods with label app=redis/m);
      expect(down.code).toBe(1);
    } finally {
      standIns.remove();
    }
  });

  it('fails ready while Redis is down', async () => {
    await redis.stop();
    try {
      const run = await runScript('verify.ts', ['--url', web.url, '--timeout', '5'], {
        env: { ...PATH_ONLY_NODE, JWT_SECRET: SECRET },
      });
      expect(checkLines(run.stdout).slice(0, 2)).toEqual([
        ['PASS', 'health'],
        ['FAIL', 'ready'],
      ]);
      expect(run.stdout).toMatch(/^FAIL ready .*503/m);
      expect(run.code).toBe(1);
    } finally {
      await redis.start();
    }
  });

  it('prints its help, and refuses to run without --url', async () => {
    const help = await runScript('verify.ts', ['--help'], { env: PATH_ONLY_NODE });
    expect(help.stdout).toContain('Usage: npm run verify -- --url URL');
    expect(help.code).toBe(0);
    const missing = await runScript('verify.ts', [], { env: PATH_ONLY_NODE });
    expect(missing.stderr).toContain('--url is required');
    expect(missing.code).toBe(2);
  });
});

/** `kubectl get pods -o json` for pods given as [name, ready]. */
function podsJson(pods: Array<[string, boolean]>): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: pods.map(([name, ready]) => ({
      metadata: { name },
      status: {
        phase: 'Running',
        containerStatuses: [
          ready
            ? { name: 'main', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T10:00:00Z' } } }
            : { name: 'main', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    })),
  });
}
