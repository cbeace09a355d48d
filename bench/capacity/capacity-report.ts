/**
 * The capacity run's report: the figures, the table `npm run bench -- --capacity` prints, and the
 * capacity targets (docs/benchmark.md#capacity-run---capacity) evaluated from the figures alone. Pure.
 */

/** Phases 1 to 3: uploads at once into a fresh web server, then their jobs in a fresh worker. */
export interface PeakPhase {
  readonly uploads: number;
  /** Answers to the uploads sent at once, by status (and error code). */
  readonly answers: Readonly<Record<string, number>>;
  /** Jobs the worker ran (the admitted uploads, topped up to WORKER_CONCURRENCY). */
  readonly jobs: number;
  readonly jobStates: Readonly<Record<string, number>>;
  readonly webIdleBytes: number;
  readonly webPeakBytes: number;
  readonly workerIdleBytes: number;
  readonly workerPeakBytes: number;
  readonly redisUsedBytes: number;
  /** Commands Redis refused with OOM during the phase (any client). */
  readonly redisOomRefusals: number;
}

export interface CapacityReport {
  readonly machine: string;
  readonly date: string;
  readonly command: string;
  readonly conditions: string;
  readonly manifests: {
    readonly webMemoryLimitBytes: number;
    readonly workerMemoryLimitBytes: number;
    readonly redisMaxMemoryBytes: number;
    readonly uploadConcurrency: number;
    readonly workerConcurrency: number;
    readonly maxUploadBytes: number;
  };
  readonly file: { readonly rows: number; readonly bytes: number };
  /** Max-size files of 50,000 ordinary rows. */
  readonly ordinary: PeakPhase;
  /** Files of one record as large as the upload limit. */
  readonly large: PeakPhase;
  readonly throughput: {
    readonly rows: number;
    readonly floorMs: readonly number[];
    readonly endToEndMs: readonly number[];
    /** The part of each end-to-end run until the upload was answered `201`. */
    readonly uploadMs: readonly number[];
  };
}

export interface Target {
  readonly name: string;
  readonly value: string;
  readonly goal: string;
  readonly met: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const share = (part: number, whole: number): number => Math.round((part / whole) * 100);

export function evaluateCapacityTargets(report: CapacityReport): Target[] {
  const { manifests: m, ordinary, large, throughput } = report;
  const ratio = median(throughput.endToEndMs) / median(throughput.floorMs);
  const peak = (name: string, bytes: number, limit: number, maxShare: number): Target => ({
    name,
    value: `${mib(bytes)} = ${share(bytes, limit)} % of ${mib(limit)}`,
    goal: `≤ ${maxShare} %`,
    met: bytes <= limit * (maxShare / 100),
  });
  return [
    peak(
      `web peak RSS, ${ordinary.uploads} max-size uploads at once`,
      ordinary.webPeakBytes,
      m.webMemoryLimitBytes,
      75,
    ),
    peak(
      `worker peak RSS, max-size jobs ${m.workerConcurrency} at once`,
      ordinary.workerPeakBytes,
      m.workerMemoryLimitBytes,
      75,
    ),
    peak(`web peak RSS, ${large.uploads} one-record uploads at once`, large.webPeakBytes, m.webMemoryLimitBytes, 100),
    peak(
      `worker peak RSS, one-record jobs ${m.workerConcurrency} at once`,
      large.workerPeakBytes,
      m.workerMemoryLimitBytes,
      100,
    ),
    {
      name: `${throughput.rows}-row job end to end vs the floor (medians of ${throughput.endToEndMs.length})`,
      value: `${ratio.toFixed(2)}×`,
      goal: '≤ 2×',
      met: ratio <= 2,
    },
    {
      name: 'admitted jobs that did not succeed, Redis OOM refusals',
      value: `${failedJobs(ordinary) + failedJobs(large)}, ${ordinary.redisOomRefusals + large.redisOomRefusals}`,
      goal: '0, 0',
      met: failedJobs(ordinary) + failedJobs(large) === 0 && ordinary.redisOomRefusals + large.redisOomRefusals === 0,
    },
  ];
}

function failedJobs(phase: PeakPhase): number {
  return phase.jobs - (phase.jobStates.succeeded ?? 0);
}

/** The printed table: what was measured, then the targets. */
export function formatCapacity(report: CapacityReport): string {
  const { manifests: m, file, ordinary, large, throughput } = report;
  const floor = median(throughput.floorMs);
  const endToEnd = median(throughput.endToEndMs);
  const rowsPerSecond = (ms: number): string =>
    `${Math.round((throughput.rows / ms) * 1000).toLocaleString('en')} rows/s`;
  const answers = (phase: PeakPhase): string =>
    Object.entries(phase.answers)
      .map(([k, v]) => `${v}× ${k}`)
      .join(', ');
  const lines = [
    `Capacity (compiled build; limits from the synthesized manifests: web ${mib(m.webMemoryLimitBytes)}, rq-worker ${mib(m.workerMemoryLimitBytes)}, ` +
      `Redis maxmemory ${mib(m.redisMaxMemoryBytes)}; UPLOAD_CONCURRENCY ${m.uploadConcurrency}, WORKER_CONCURRENCY ${m.workerConcurrency})`,
    `max-size file: ${file.rows.toLocaleString('en')} rows, ${(file.bytes / 2 ** 20).toFixed(2)} MiB`,
    '',
    `${'phase'.padEnd(40)}${'web idle → peak'.padEnd(22)}${'worker idle → peak'.padEnd(22)}answers; jobs`,
    ...(
      [
        ['max-size uploads, then their jobs', ordinary],
        ['one-record uploads, then their jobs', large],
      ] as const
    ).map(
      ([name, phase]) =>
        `${name.padEnd(40)}${`${mib(phase.webIdleBytes)} → ${mib(phase.webPeakBytes)}`.padEnd(22)}${`${mib(phase.workerIdleBytes)} → ${mib(phase.workerPeakBytes)}`.padEnd(22)}` +
        `${answers(phase)}; ${phase.jobs} jobs ${JSON.stringify(phase.jobStates)}, Redis ${mib(phase.redisUsedBytes)}`,
    ),
    '',
    `end to end (upload to terminal state): ${throughput.endToEndMs.map((ms) => ms.toFixed(0)).join(', ')} ms; median ${endToEnd.toFixed(0)} ms = ${rowsPerSecond(endToEnd)}` +
      ` (of which until 201: median ${median(throughput.uploadMs).toFixed(0)} ms)`,
    `floor (csv-parse → personalise → csv-stringify, one process): ${throughput.floorMs.map((ms) => ms.toFixed(0)).join(', ')} ms; median ${floor.toFixed(0)} ms = ${rowsPerSecond(floor)}`,
    '',
    'Targets',
    ...evaluateCapacityTargets(report).map((t) => `${t.met ? 'PASS' : 'FAIL'}  ${t.name}: ${t.value} (${t.goal})`),
  ];
  return lines.join('\n');
}
