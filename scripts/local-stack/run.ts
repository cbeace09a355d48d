/**
 * The whole stack on this machine: Redis (unless REDIS_URL is set), the web server and the worker,
 * each a child process; prints the page's URL with a demo token; Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { signToken } from '../../app/auth/tokens.js';
import { CONFIG_DEFAULTS } from '../../app/config.js';
import { ensureLocalSecret } from './local-secret.js';
import { REDIS_MISSING_HELP, hasRedisServer, startLocalRedis } from './local-redis.js';

const DEMO_TOKEN_HOURS = 12;
// Children get SIGTERM first; what has not exited by then is killed, well inside the contract's 20 s.
const STOP_GRACE_MS = 12_000;

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    stopping = true;
    await Promise.all(children.map((child) => stopChild(child)));
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
    const redis = await startLocalRedis();
    children.push(redis.child);
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
  const web = spawnApp('app/server/main.ts', env);
  const worker = spawnApp('app/worker/main.ts', env);
  children.push(web, worker);
  for (const child of [web, worker]) {
    child.on('exit', (code) => {
      if (stopping) return;
      process.stderr.write(`start: a child process exited (code ${code}); stopping the stack.\n`);
      void stopAll(1);
    });
  }

  await waitForHealth(`http://127.0.0.1:${port}/health`);
  const token = await signToken(jwtSecret, 'demo', DEMO_TOKEN_HOURS * 3600);
  process.stdout.write(`\nOpen the jobs page (token for user demo, valid ${DEMO_TOKEN_HOURS} h):\nhttp://127.0.0.1:${port}/?token=${token}\n\nPress Ctrl-C to stop.\n`);
}

function spawnApp(entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry], { env, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within 60 s; see the log lines above.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
