/**
 * `npm run bench -- --capacity`: the compiled build under its own limits, each process measured
 * against the memory limit the synthesized manifests give its container, and the pipeline's speed
 * against a floor measured in the same run.
 *
 * 1. Uploads: a fresh web server takes UPLOAD_CONCURRENCY max-size uploads at once (50,000 rows,
 *    10 MiB); its peak RSS (VmHWM).
 * 2. Jobs: a fresh worker runs the queued max-size jobs, WORKER_CONCURRENCY at a time; its peak RSS.
 * 3. Large records: the same with files of one 10 MiB cell (they take turns); both peaks.
 * 4. Throughput: one max-size job end to end (upload to the terminal message on Redis), against the
 *    floor (csv-parse → personalise → csv-stringify in this process, pipeline-floor.ts), alternating, medians.
 * Redis runs with the manifests' `maxmemory` and `noeviction`, as deployed.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { signToken } from '../../app/auth/tokens.js';
import { defaultManifestOptions } from '../../infra/k8s/options.js';
import { synthesizeManifests } from '../../infra/k8s/synthesize.js';
import { maxSizeCsv } from '../../kit/large-csv.js';
import { BenchRedis } from '../runner/bench-redis.js';
import { freePort } from '../../kit/free-port.js';
import { redisMemory, terminalTimes, upload, waitForJobs, type UploadAnswer } from './capacity-client.js';
import type { CapacityReport, PeakPhase } from './capacity-report.js';
import type { AppRole } from '../../kit/app-processes.js';
import type { NodeProcess } from '../../kit/node-process.js';
import { peakRssBytes } from '../runner/proc-stats.js';
import { buildCompiled, startCompiled } from './compiled-process.js';
import { manifestSizes, type ManifestSizes } from './manifest-sizes.js';
import { runPipelineFloor } from './pipeline-floor.js';
import { CONFIG_DEFAULTS } from '../../app/config.js';

export interface CapacityContext {
  readonly repoRoot: string;
  readonly outDir: string;
  /** End-to-end runs (each paired with a floor run). */
  readonly repeats: number;
  readonly progress: (text: string) => void;
}

/** A max-size file's rows: the app's default MAX_ROWS. */
const ROWS = CONFIG_DEFAULTS.maxRows;
const JOB_TIMEOUT_MS = 300_000;

export async function runCapacity(
  ctx: CapacityContext,
): Promise<Omit<CapacityReport, 'machine' | 'date' | 'command' | 'conditions'>> {
  ctx.progress('npm run build');
  await buildCompiled(ctx.repoRoot);
  const sizes = manifestSizes(synthesizeManifests(defaultManifestOptions));
  const maxUploadBytes = Number(sizes.web.env.MAX_UPLOAD_BYTES);
  const redis = await BenchRedis.start({ maxMemory: sizes.redisMaxMemory, maxMemoryPolicy: 'noeviction' });
  const stack = new CompiledStack(ctx, sizes, redis);
  try {
    const maxSize = maxSizeCsv(maxUploadBytes, ROWS);
    const uploads = Number(sizes.web.env.UPLOAD_CONCURRENCY);
    const concurrency = Number(sizes.worker.env.WORKER_CONCURRENCY);
    const ordinary = await stack.peaks('max-size', maxSize, uploads, concurrency);
    const oneCell = Buffer.from(`name,notes\nAda,${'n'.repeat(maxUploadBytes - 1024)}\n`);
    const large = await stack.peaks('one-record', oneCell, uploads, concurrency);
    const throughput = await stack.throughput(maxSize, ctx.repeats);
    return {
      manifests: {
        webMemoryLimitBytes: sizes.web.memoryLimitBytes,
        workerMemoryLimitBytes: sizes.worker.memoryLimitBytes,
        redisMaxMemoryBytes: sizes.redisMaxMemoryBytes,
        uploadConcurrency: uploads,
        workerConcurrency: concurrency,
        maxUploadBytes,
      },
      file: { rows: ROWS, bytes: maxSize.length },
      ordinary,
      large,
      throughput,
    };
  } finally {
    await stack.stopAll();
    await redis.stop();
  }
}

/** Compiled web and worker processes on the run's Redis, started fresh for each phase. */
class CompiledStack {
  private readonly secret = randomBytes(24).toString('hex');
  private readonly running: NodeProcess[] = [];
  private phase = 0;

  constructor(
    private readonly ctx: CapacityContext,
    private readonly sizes: ManifestSizes,
    private readonly redis: BenchRedis,
  ) {}

  /** Phases 1 to 3: `count` uploads of `csv` at once to a fresh web server, then a fresh worker runs them. */
  async peaks(name: string, csv: Buffer, count: number, concurrency: number): Promise<PeakPhase> {
    await this.reset();
    const token = await signToken(this.secret, `capacity-${name}`, 3600);
    const { process: web, url } = await this.start('web');
    const webIdle = peakOf(web);
    this.ctx.progress(`${name}: ${count} uploads of ${(csv.length / 2 ** 20).toFixed(1)} MiB at once`);
    const answers = await Promise.all(Array.from({ length: count }, () => upload(url, token, csv)));
    const webPeak = peakOf(web);
    // The worker's peak needs WORKER_CONCURRENCY jobs at once: top the queue up one upload at a time.
    for (let extra = 0; admitted(answers).length < concurrency && extra < concurrency; extra++)
      answers.push(await upload(url, token, csv));
    const ids = admitted(answers);
    const { process: worker } = await this.start('worker');
    const workerIdle = peakOf(worker);
    this.ctx.progress(`${name}: ${ids.length} jobs, ${concurrency} at a time`);
    const states = await waitForJobs(url, token, ids, JOB_TIMEOUT_MS);
    const memory = await redisMemory(this.redis.control);
    return {
      uploads: count,
      answers: tally(answers.slice(0, count)),
      jobs: ids.length,
      jobStates: tally([...states.values()].map((status) => ({ status }))),
      webIdleBytes: webIdle,
      webPeakBytes: webPeak,
      workerIdleBytes: workerIdle,
      workerPeakBytes: peakOf(worker),
      redisUsedBytes: memory.usedBytes,
      redisOomRefusals: memory.oomRefusals,
    };
  }

  /** Phase 4: end to end against the floor, alternating, after one warm-up of each. */
  async throughput(csv: Buffer, repeats: number): Promise<CapacityReport['throughput']> {
    await this.reset();
    const token = await signToken(this.secret, 'capacity-throughput', 3600);
    const { url } = await this.start('web');
    await this.start('worker');
    const subscriber = new Redis(this.redis.url, { connectionName: 'bench-capacity' });
    subscriber.on('error', () => undefined);
    try {
      const terminalAt = await terminalTimes(subscriber);
      const uploadMs: number[] = [];
      const endToEnd = async (): Promise<number> => {
        const started = performance.now();
        const answer = await upload(url, token, csv);
        if (!answer.jobId) throw new Error(`the throughput upload was answered ${answer.status} ${answer.code ?? ''}`);
        uploadMs.push(performance.now() - started);
        return (await terminalAt(answer.jobId)) - started;
      };
      this.ctx.progress('throughput: warm-up');
      await runPipelineFloor(csv);
      await endToEnd();
      const floorMs: number[] = [];
      const endToEndMs: number[] = [];
      for (let i = 1; i <= repeats; i++) {
        this.ctx.progress(`throughput: run ${i} of ${repeats}`);
        floorMs.push((await runPipelineFloor(csv)).ms);
        endToEndMs.push(await endToEnd());
      }
      // The warm-up's upload is not one of the measured runs.
      return { rows: ROWS, floorMs, endToEndMs, uploadMs: uploadMs.slice(1) };
    } finally {
      subscriber.disconnect();
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((p) => p.stop()));
  }

  /** Stops the processes of the last phase and empties Redis, so each phase starts from nothing. */
  private async reset(): Promise<void> {
    await this.stopAll();
    await this.redis.control.flushall();
    this.phase++;
  }

  /** Starts `role` with its container's environment from the manifests (plus Redis, secret and port). */
  private async start(role: AppRole): Promise<{ process: NodeProcess; url: string }> {
    const port = role === 'web' ? await freePort() : 0;
    const env = {
      ...this.sizes[role].env,
      REDIS_URL: this.redis.url,
      JWT_SECRET: this.secret,
      HOST: '127.0.0.1',
      ...(role === 'web' ? { PORT: String(port) } : {}),
    };
    const started = await startCompiled({
      repoRoot: this.ctx.repoRoot,
      role,
      env,
      logFile: join(this.ctx.outDir, 'logs', `capacity-${this.phase}-${role}.log`),
    });
    this.running.push(started);
    return { process: started, url: `http://127.0.0.1:${port}` };
  }
}

/** Peak resident memory of `proc` since it started (VmHWM), in bytes. */
function peakOf(proc: NodeProcess): number {
  return peakRssBytes(proc.child.pid as number);
}

function admitted(answers: readonly UploadAnswer[]): string[] {
  return answers.flatMap((a) => (a.jobId ? [a.jobId] : []));
}

function tally(items: readonly { status: number | string; code?: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const key = item.code ? `${item.status} ${item.code}` : String(item.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
