/**
 * The manifests start the stack. The synthesized `redis`, `web` and `rq-worker`
 * containers run here as local processes with their own command, arguments, environment and probes;
 * the only mappings are the ones a laptop needs: the image's /app is a folder holding this checkout's
 * compiled build, the Secret is made by the test, the `redis` Service name and the container port
 * point at local ports. Then one CSV job runs end to end through the web API and the worker.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { IContainer } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultManifestOptions } from '../../../infra/k8s/options.js';
import { REPO_ROOT } from '../../../kit/repo-root.js';
import { freePort } from '../../../kit/free-port.js';
import { startRedisServer, type RedisServer } from '../../../kit/redis-server.js';
import { clone, findObject, onlyContainer, synthObjects } from './support/manifests.js';
import {
  containerPortOf,
  expandKubeVars,
  mapServiceUrls,
  probeOnce,
  resolveContainerEnv,
  startLocalContainer,
  waitForProbe,
  type LocalContainer,
  type LocalSecret,
  type PortMap,
  type ServiceMapping,
} from './support/local-pod.js';

const objects = synthObjects();
const webContainer = onlyContainer(findObject(objects, 'Deployment', 'web'));
const workerContainer = onlyContainer(findObject(objects, 'Deployment', 'rq-worker'));
const redisContainer = onlyContainer(findObject(objects, 'StatefulSet', 'redis'));
const redisService = findObject(objects, 'Service', 'redis');

// The Secret as the Pulumi program creates it: REDIS_URL names the `redis` Service.
const redisPassword = randomBytes(16).toString('hex');
const secret: LocalSecret = {
  name: defaultManifestOptions.secretName,
  data: {
    JWT_SECRET: randomBytes(32).toString('hex'),
    REDIS_PASSWORD: redisPassword,
    REDIS_URL: `redis://:${redisPassword}@redis:6379`,
  },
};

let redis: RedisServer;
let imageRoot: string;
let services: ServiceMapping[];
let web: LocalContainer;
let worker: LocalContainer;
let webPort: number;
let workerMetricsPort: number;
const webPorts: PortMap = (containerPort) => {
  if (containerPort !== containerPortOf(webContainer, 'http')) throw new Error(`port ${containerPort} is not mapped`);
  return webPort;
};
const workerPorts: PortMap = (containerPort) => {
  if (containerPort !== containerPortOf(workerContainer, 'metrics'))
    throw new Error(`port ${containerPort} is not mapped`);
  return workerMetricsPort;
};
const started: LocalContainer[] = [];

/** Redis's own arguments, minus the two the test harness owns (a free port and a scratch folder). */
function redisArgsForLocalRun(): string[] {
  const vars = resolveContainerEnv(redisContainer, [secret]);
  const args = redisContainer.args!.map((a) => expandKubeVars(a, vars));
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port' || args[i] === '--dir') i++;
    else kept.push(args[i]!);
  }
  return kept;
}

/** Compiles the app the way the image's build stage does (`npm run build`'s tsc project) into `root/build`. */
function buildImageRoot(root: string): void {
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(root, 'build')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
}

/** The container's environment with the Secret resolved and the `redis` Service mapped locally. */
function localEnv(container: IContainer): Map<string, string> {
  return mapServiceUrls(resolveContainerEnv(container, [secret]), services);
}

function start(container: IContainer, vars: Map<string, string>): LocalContainer {
  // The image's working directory is /app; here it is the folder with the compiled build.
  expect(container.workingDir).toBe('/app');
  const proc = startLocalContainer(container, imageRoot, vars);
  started.push(proc);
  return proc;
}

async function waitUntilStarted(container: IContainer, proc: LocalContainer, ports: PortMap): Promise<void> {
  const startup = container.startupProbe!;
  // The kubelet's own budget for startup: failureThreshold × periodSeconds.
  await waitForProbe(
    'startup',
    startup,
    container,
    ports,
    proc,
    startup.failureThreshold! * startup.periodSeconds! * 1000,
  );
  // Readiness never restarts a pod; it only has to pass eventually (Redis connects).
  await waitForProbe('readiness', container.readinessProbe!, container, ports, proc, 60_000);
}

beforeAll(async () => {
  redis = await startRedisServer({ args: redisArgsForLocalRun() });
  services = [
    {
      host: redisService.metadata.name!,
      port: redisService.spec!.ports![0]!.port,
      local: { host: '127.0.0.1', port: redis.port },
    },
  ];
  const outputRoot = join(REPO_ROOT, 'test-output');
  mkdirSync(outputRoot, { recursive: true });
  // Inside the checkout, so the compiled files find node_modules and package.json ("type": "module")
  // by walking up, as they find /app/node_modules and /app/package.json in the image.
  imageRoot = mkdtempSync(join(outputRoot, 'k8s-image-'));
  buildImageRoot(imageRoot);

  const webEnv = localEnv(webContainer);
  // Container port 8080 is a free local port here; PORT is how the server learns it.
  expect(webEnv.get('PORT')).toBe(String(containerPortOf(webContainer, 'http')));
  webPort = await freePort();
  webEnv.set('PORT', String(webPort));
  web = start(webContainer, webEnv);
  // Likewise the worker's metrics port 9464, which WORKER_METRICS_PORT tells it.
  const workerEnv = localEnv(workerContainer);
  expect(workerEnv.get('WORKER_METRICS_PORT')).toBe(String(containerPortOf(workerContainer, 'metrics')));
  workerMetricsPort = await freePort();
  workerEnv.set('WORKER_METRICS_PORT', String(workerMetricsPort));
  worker = start(workerContainer, workerEnv);
  await waitUntilStarted(webContainer, web, webPorts);
}, 240_000);

afterAll(async () => {
  await Promise.all(started.map((proc) => proc.stop('SIGKILL')));
  await redis?.destroy();
  if (imageRoot) rmSync(imageRoot, { recursive: true, force: true });
});

const baseUrl = (): string => `http://127.0.0.1:${webPort}`;

async function tokenFor(user: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret.data.JWT_SECRET));
}

describe('the synthesized containers, run locally', () => {
  it('web passes its startup, liveness and readiness probes', async () => {
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
      expect(await probeOnce(webContainer[probe]!, webContainer, webPorts), probe).toBe(true);
    }
  });

  it("web runs with the manifest's ENABLE_WEBSOCKET", async () => {
    const response = await fetch(`${baseUrl()}/config`);
    const env = resolveContainerEnv(webContainer, [secret]);
    expect(await response.json()).toMatchObject({ enableWebsocket: env.get('ENABLE_WEBSOCKET') === 'true' });
  });

  it('web and rq-worker run one CSV job end to end through the password-protected Redis', async () => {
    const token = await tokenFor('k8s-stack-test');
    const auth = { authorization: `Bearer ${token}` };
    const csv = 'first_name,company\nAda,Analytical Engines\nGrace,Navy\nLinus,Kernel\n';
    const created = await fetch(`${baseUrl()}/jobs?filename=people.csv`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    let job: { status: string; processed: number; total: number } | undefined;
    while (job?.status !== 'succeeded') {
      expect(job?.status, `job failed; worker output:\n${worker.output()}`).not.toBe('failed');
      expect(worker.child.exitCode, `worker exited:\n${worker.output()}`).toBeNull();
      const response = await fetch(`${baseUrl()}/jobs/${id}`, { headers: auth });
      expect(response.status).toBe(200);
      job = (await response.json()) as typeof job;
      if (job?.status !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(job).toMatchObject({ processed: 3, total: 3 });

    const result = await fetch(`${baseUrl()}/jobs/${id}/result`, { headers: auth });
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await result.text()).trim().split(/\r?\n/);
    expect(lines[0]).toContain('personalized_line');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['Ada', 'Grace', 'Linus']);
  }, 120_000);

  it("PodMonitoring web and rq-worker find each container's metrics on the named port and path they scrape", async () => {
    const targets = [
      ['web', webContainer, webPorts, 'ws_connections_open'],
      ['rq-worker', workerContainer, workerPorts, 'worker_jobs_succeeded_total 1'],
    ] as const;
    for (const [name, container, ports, expected] of targets) {
      const [endpoint] = findObject(objects, 'PodMonitoring', name).spec.endpoints;
      const response = await fetch(
        `http://127.0.0.1:${ports(containerPortOf(container, endpoint!.port))}${endpoint!.path}`,
      );
      expect(response.status, name).toBe(200);
      expect(await response.text(), name).toContain(expected);
    }
  });

  it("redis answers its own probe command with the Secret's password", () => {
    const command = redisContainer.readinessProbe!.exec!.command!;
    // Only the port is mapped: the probe talks to 6379 in the pod, to the test Redis here.
    expect(command.join(' ')).toContain('-p 6379');
    const local = command.map((part) => part.replace('-p 6379', `-p ${redis.port}`));
    const vars = resolveContainerEnv(redisContainer, [secret]);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...Object.fromEntries(vars) };
    expect(spawnSync(local[0]!, local.slice(1), { env }).status).toBe(0);
    // …and the same probe fails without the password, so it really checks authentication.
    const noAuth = { ...env };
    delete noAuth.REDISCLI_AUTH;
    expect(spawnSync(local[0]!, local.slice(1), { env: noAuth }).status).not.toBe(0);
  });

  it('web runs its preStop hook and then exits cleanly on SIGTERM', async () => {
    const hook = webContainer.lifecycle!.preStop!.exec!.command!;
    const hookExit = await new Promise<number | null>((resolve) => {
      spawn(hook[0]!, hook.slice(1), { cwd: imageRoot, stdio: 'ignore' }).once('exit', (code) => resolve(code));
    });
    expect(hookExit).toBe(0);
    expect(await web.stop('SIGTERM'), web.output()).toBe(0);
  });

  it('rq-worker exits cleanly on SIGTERM', async () => {
    expect(await worker.stop('SIGTERM'), worker.output()).toBe(0);
  });
});

describe('a broken manifest fails the local run', () => {
  it('a misspelled command never becomes ready', async () => {
    const broken = clone(webContainer);
    broken.command = ['node', 'build/app/server/mian.js'];
    const vars = localEnv(broken);
    const port = await freePort();
    vars.set('PORT', String(port));
    const proc = start(broken, vars);
    await expect(waitUntilStarted(broken, proc, () => port)).rejects.toThrow(/the process exited/);
  });

  it('a misspelled secret variable stops the worker at start', async () => {
    const broken = clone(workerContainer);
    broken.env = broken.env!.map((e) => (e.name === 'JWT_SECRET' ? { ...e, name: 'JWT_SECRT' } : e));
    const proc = start(broken, localEnv(broken));
    expect(await proc.exited).not.toBe(0);
    expect(proc.output()).toContain('JWT_SECRET');
  });
});
