/** A one-line description of the machine and of its load, for the report. */
import { cpus, loadavg, release, totalmem, type } from 'node:os';

export function describeMachine(redisVersion: string): string {
  const cores = cpus();
  const model = (cores[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${model}, ${cores.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${type()} ${release()}, Node ${process.version}, Redis ${redisVersion}`;
}

/** The 1-minute load average with the core count, e.g. `load 2.10 on 2 cores`. */
export function describeLoad(): string {
  return `load ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`;
}
