/** `npm run bench -- --capacity`: runs the capacity benchmark, prints its table, writes its JSON. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { BenchOptions } from '../options.js';
import { describeLoad, describeMachine } from '../runner/machine.js';
import { ProgressLine } from '../runner/progress-line.js';
import { runCapacity } from './capacity-run.js';
import { formatCapacity, type CapacityReport } from './capacity-report.js';

export interface CapacityCommand {
  readonly repoRoot: string;
  readonly outDir: string;
  readonly options: BenchOptions;
  readonly argv: readonly string[];
}

export async function runCapacityCommand(command: CapacityCommand): Promise<number> {
  const progress = new ProgressLine();
  const loadBefore = describeLoad();
  const started = new Date();
  process.stderr.write(
    `bench --capacity: compiled build, ${command.options.repeat} end-to-end runs; logs in ${command.outDir}/logs\n`,
  );
  const figures = await runCapacity({
    repoRoot: command.repoRoot,
    outDir: command.outDir,
    repeats: command.options.repeat,
    progress: (text) => progress.update('capacity:', text),
  });
  progress.finish('capacity: done');
  const report: CapacityReport = {
    machine: describeMachine(redisVersion()),
    date: started.toISOString(),
    command: `npm run bench -- ${command.argv.join(' ')}`.trim(),
    conditions: `${loadBefore} before, ${describeLoad()} after; other processes shared the machine`,
    ...figures,
  };
  process.stdout.write(`\n${report.machine}\n${report.date} · ${report.conditions}\n\n${formatCapacity(report)}\n`);
  if (command.options.json) {
    mkdirSync(dirname(resolve(command.options.json)), { recursive: true });
    writeFileSync(command.options.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  return 0;
}

function redisVersion(): string {
  try {
    return /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
