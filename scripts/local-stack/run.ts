/**
 * The whole stack on this machine: Redis (unless REDIS_URL is set), the web server and the worker,
 * each a child process (kit/); prints the page's URL with a demo token; Ctrl-C stops everything.
 */
import { signToken } from '../../app/auth/tokens.js';
import { CONFIG_DEFAULTS } from '../../app/config.js';
import { appEntry } from '../../kit/app-processes.js';
import { startNodeProcess, type NodeProcess } from '../../kit/node-process.js';
import { hasRedisServer } from '../../kit/redis-server.js';
import { waitForHttp } from '../../kit/wait-for-http.js';
import { ensureLocalSecret } from './local-secret.js';
import { REDIS_MISSING_HELP, startLocalRedis } from './local-redis.js';

const DEMO_TOKEN_HOURS = 12;
// Children get SIGTERM first; what has not exited by then is killed, well inside the contract's 20 s.
const STOP_GRACE_MS = 12_000;

async function main(): Promise<void> {
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    stopping = true;
    await Promise.all(stops.map((stop) => stop()));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    if (!hasRedisServer()) {
      process.stderr.write(`${REDIS_MISSING_HELP}\n`);
      process.exit(1);
    }
    const redis = await startLocalRedis(STOP_GRACE_MS);
    stops.push(() => redis.stop());
    redisUrl = redis.url;
  }
  const jwtSecret = process.env.JWT_SECRET || ensureLocalSecret();
  const port = process.env.PORT || String(CONFIG_DEFAULTS.port);
  const env = {
    ...process.env,
    REDIS_URL: redisUrl,
    JWT_SECRET: jwtSecret,
    PORT: port,
    HOST: process.env.HOST || '127.0.0.1',
    // A little pause per row so progress bars visibly move in the demo; set ROW_DELAY_MS=0 to disable.
    ROW_DELAY_MS: process.env.ROW_DELAY_MS ?? '50',
  };
  const start = (role: 'web' | 'worker'): NodeProcess => {
    const app = startNodeProcess(appEntry(role), { env, output: 'terminal' });
    stops.push(() => app.stop('SIGTERM', STOP_GRACE_MS));
    app.child.on('exit', (code) => {
      if (stopping) return;
      process.stderr.write(`start: a child process exited (code ${code}); stopping the stack.\n`);
      void stopAll(1);
    });
    return app;
  };
  const web = start('web');
  start('worker');

  await waitForHttp(`http://127.0.0.1:${port}/health`, {
    child: web.child,
    timeoutMs: 60_000,
    output: () => 'see the log lines above.',
  });
  const token = await signToken(jwtSecret, 'demo', DEMO_TOKEN_HOURS * 3600);
  process.stdout.write(
    `\nOpen the jobs page (token for user demo, valid ${DEMO_TOKEN_HOURS} h):\nhttp://127.0.0.1:${port}/?token=${token}\n\nPress Ctrl-C to stop.\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
