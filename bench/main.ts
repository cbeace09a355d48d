/**
 * `npm run bench`: the benchmark. Starts its own Redis, then for every repeat, size and system runs
 * one measured run (each system its own server process, alternating so machine noise hits all
 * alike), prints the table and the targets, and writes the JSON report and the SVG chart.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { OptionsError, parseOptions, USAGE, type BenchOptions } from './options.js';
import { planRuns } from './plan.js';
import type { BenchReport, RunResult } from './report/run-result.js';
import { summarizeRuns } from './report/summary.js';
import { renderSvg } from './report/svg.js';
import { runTable, summaryTable } from './report/table.js';
import { evaluateTargets, formatTargets } from './report/targets.js';
import { BenchRedis } from './runner/bench-redis.js';
import { describeLoad, describeMachine } from './runner/machine.js';
import { ProgressLine } from './runner/progress-line.js';
import { Publisher } from './runner/publisher.js';
import { runSystem } from './runner/run-system.js';
import { runCapacityCommand } from './capacity/capacity-command.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (error instanceof OptionsError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const outDir = resolve(options.outDir);
  mkdirSync(join(outDir, 'logs'), { recursive: true });
  mkdirSync(join(outDir, 'profiles'), { recursive: true });
  if (options.capacity) return runCapacityCommand({ repoRoot: REPO_ROOT, outDir, options, argv });

  const redis = await BenchRedis.start();
  const publisherRedis = new Redis(redis.url, { connectionName: 'bench-publisher' });
  publisherRedis.on('error', () => undefined);
  const jwtSecret = randomBytes(24).toString('hex');
  const progress = new ProgressLine();
  const plans = planRuns(options);
  const runs: RunResult[] = [];
  const failures: string[] = [];
  const loadBefore = describeLoad();
  const started = new Date();
  process.stderr.write(
    `bench: ${plans.length} runs (${options.profile} profile), Redis ${redis.version} at ${redis.url}, maxclients ${await redis.maxClients()}; logs in ${outDir}\n`,
  );

  try {
    for (const [i, plan] of plans.entries()) {
      const prefix = `[${i + 1}/${plans.length}] ${plan.system} C=${plan.size}${options.repeat > 1 ? ` #${plan.repeat}` : ''}:`;
      try {
        const result = await runSystem(
          {
            repoRoot: REPO_ROOT,
            redis,
            publisher: new Publisher(publisherRedis, jwtSecret),
            jwtSecret,
            outDir,
            clientsPerProcess: options.clientsPerProcess,
            cpuProfile: options.cpuProfile,
            heapSnapshot: options.heapSnapshot,
            thisEnv: options.thisEnv,
            progress: (text) => progress.update(prefix, text),
          },
          plan,
        );
        runs.push(result);
        const p = (v: number | null): string => (v === null ? '–' : v.toFixed(2));
        progress.finish(
          `${prefix} ${result.delivered}/${result.expected} delivered, p50 ${p(result.p50_ms)} ms, p99 ${p(result.p99_ms)} ms${result.failed ? `, ${result.failed} clients failed` : ''}`,
        );
      } catch (error) {
        const message = `${prefix} run failed: ${error instanceof Error ? error.message : String(error)}`;
        failures.push(message);
        progress.finish(message);
      }
    }
  } finally {
    publisherRedis.disconnect();
    await redis.stop();
  }

  const report: BenchReport = {
    machine: describeMachine(redis.version),
    date: started.toISOString(),
    profile: options.profile,
    command: `npm run bench -- ${argv.join(' ')}`.trim(),
    conditions: `${loadBefore} before, ${describeLoad()} after; other processes shared the machine`,
    runs,
  };
  process.stdout.write(`\n${report.machine}\n${report.date} · ${report.conditions}\n\n${runTable(runs)}\n`);
  if (options.repeat > 1)
    process.stdout.write(`\nMedians over ${options.repeat} repeats\n\n${summaryTable(summarizeRuns(runs))}\n`);
  if (runs.some((r) => r.web_processes === null)) {
    process.stdout.write(`\nTargets (ratios from this report)\n${formatTargets(evaluateTargets(runs))}\n`);
  } else {
    process.stdout.write(
      '\nTargets: not evaluated (they compare one process, reached directly, with the alternatives; every run here went through the proxy)\n',
    );
  }
  const lossy = runs.filter((r) => r.delivered !== r.expected);
  for (const r of lossy)
    process.stdout.write(
      `\nloss: ${r.system} C=${r.size} #${r.repeat}: ${r.delivered}/${r.expected}; ${JSON.stringify(r.failures)}${r.notes.length ? `; ${r.notes.join('; ')}` : ''}\n`,
    );

  if (options.json) {
    mkdirSync(dirname(resolve(options.json)), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (options.svg) {
    mkdirSync(dirname(resolve(options.svg)), { recursive: true });
    writeFileSync(options.svg, renderSvg(report));
  }
  for (const failure of failures) process.stderr.write(`${failure}\n`);
  return failures.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
