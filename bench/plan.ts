/** The order of the runs. Pure. */
import { jobsFor, type BenchOptions, type SystemName } from './options.js';
import type { RunPlan } from './runner/run-system.js';

/**
 * Every (repeat, size, system), systems rotated by one place per repeat so none always runs first;
 * with `--web-processes`, `this` once per process count, in the order given.
 */
export function planRuns(options: BenchOptions): RunPlan[] {
  const plans: RunPlan[] = [];
  for (let repeat = 1; repeat <= options.repeat; repeat++) {
    const shift = (repeat - 1) % options.systems.length;
    const systems: SystemName[] = [...options.systems.slice(shift), ...options.systems.slice(0, shift)];
    for (const size of options.sizes) {
      for (const system of systems) {
        const base = {
          system,
          size,
          jobs: jobsFor(options, size),
          rate: options.rate,
          durationS: options.durationS,
          repeat,
        };
        const counts = system === 'this' ? options.webProcesses : undefined;
        if (counts === undefined) plans.push(base);
        else for (const webProcesses of counts) plans.push({ ...base, webProcesses });
      }
    }
  }
  return plans;
}
