import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kit/repo-root.js';
import { freePort } from '../../kit/free-port.js';
import { sampleCsv } from '../../kit/sample-csv.js';
import { uploadCsv } from '../../kit/csv-upload.js';
import { createdJob } from '../support/api-answers.js';
import { waitForTerminal } from '../support/jobs-client.js';

function runStart(env: Record<string, string>) {
  // Its own process group, like a terminal session: Ctrl-C is SIGINT to the whole group.
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('runs the whole stack, prints the page URL with a demo token once, and stops on Ctrl-C within 20 s', async () => {
    const port = await freePort();
    const start = runStart({ PORT: String(port), WORKER_METRICS_PORT: '0', ROW_DELAY_MS: '5' });
    try {
      await expect
        .poll(() => /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(start.output()), { timeout: 60_000, interval: 100 })
        .toBe(true);
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=(\S+)/.exec(start.output())!;
      const token = url[1]!;
      expect(url[0]).toContain(`:${port}/`);
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ status: 'ok' });

      const upload = createdJob(await uploadCsv(`http://127.0.0.1:${port}`, token, sampleCsv(20)));
      const job = await waitForTerminal(`http://127.0.0.1:${port}`, token, upload.id);
      expect(job).toMatchObject({ status: 'succeeded', processed: 20 });
      const me = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string };
      expect(me.sub).toBe('demo');

      const stoppedAt = Date.now();
      process.kill(-start.child.pid!, 'SIGINT');
      await start.exited;
      await expect.poll(() => groupAlive(start.child.pid!), { timeout: 20_000, interval: 100 }).toBe(false);
      const took = Date.now() - stoppedAt;
      console.log(`npm start stopped in ${took} ms after SIGINT`);
      expect(took).toBeLessThan(20_000);
      expect(start.output().split(token).length - 1).toBe(1);
    } finally {
      if (groupAlive(start.child.pid!)) process.kill(-start.child.pid!, 'SIGKILL');
    }
  });

  it('says how to install redis-server when it is missing, and exits non-zero', async () => {
    const start = runStart({ PATH: '/nonexistent' });
    expect(await start.exited).not.toBe(0);
    expect(start.output()).toContain('apt-get install -y redis-server');
    expect(start.output()).toContain('REDIS_URL=');
  });
});
