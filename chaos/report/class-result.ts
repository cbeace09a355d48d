/**
 * What one fault or input class reports: how many cases ran and passed, what was lost, how long the
 * service took to recover. A {@link CaseRecorder} collects it while the class runs.
 */

export interface ClassResult {
  /** Fault or input class, e.g. `fault: worker SIGKILL mid-job`. */
  readonly name: string;
  readonly cases: number;
  readonly passed: number;
  /** Accepted jobs that never reached a terminal state, or succeeded without every row. */
  readonly jobsLost: number;
  /** Watching clients that never received their job's terminal state. */
  readonly clientsMissingTerminal: number;
  /** Longest time from the end of a fault to the service working again; undefined when not measured. */
  readonly recoveryMs: number | undefined;
  /** Why cases failed (the first few, with the fast-check seed where one applies). */
  readonly failures: readonly string[];
  /** Measured figures worth printing (heap before/after, close codes seen, ...). */
  readonly notes: readonly string[];
}

/** True when the class lost a job, left a client without its terminal state, or failed a case. */
export function isLoss(result: ClassResult): boolean {
  return result.jobsLost > 0 || result.clientsMissingTerminal > 0 || result.passed < result.cases;
}

const MAX_FAILURES_KEPT = 20;

/** Collects the cases of one class while it runs. */
export class CaseRecorder {
  private cases = 0;
  private passed = 0;
  private jobsLost = 0;
  private clientsMissing = 0;
  private recoveryMs: number | undefined;
  private readonly failures: string[] = [];
  private readonly notes: string[] = [];

  constructor(readonly name: string) {}

  /** Records one case: passed when `failure` is undefined. */
  check(caseName: string, failure: string | undefined): void {
    this.cases++;
    if (failure === undefined) this.passed++;
    else this.fail(`${caseName}: ${failure}`);
  }

  /** Records `count` cases at once, `failed` of which failed (e.g. one fast-check run). */
  checkMany(count: number, failed: number, failure?: string): void {
    this.cases += count;
    this.passed += count - failed;
    if (failed > 0 && failure) this.fail(failure);
  }

  /** Counts lost jobs (record each one's case with {@link check} as well). */
  lostJobs(count: number): void {
    this.jobsLost += Math.max(0, count);
  }

  /** Counts clients that never received their job's terminal state (each also a failed case). */
  missingClients(count: number): void {
    this.clientsMissing += Math.max(0, count);
  }

  /** Keeps the longest recovery seen. */
  recovered(ms: number): void {
    this.recoveryMs = Math.max(this.recoveryMs ?? 0, Math.round(ms));
  }

  note(text: string): void {
    this.notes.push(text);
  }

  result(): ClassResult {
    return {
      name: this.name,
      cases: this.cases,
      passed: this.passed,
      jobsLost: this.jobsLost,
      clientsMissingTerminal: this.clientsMissing,
      recoveryMs: this.recoveryMs,
      failures: [...this.failures],
      notes: [...this.notes],
    };
  }

  private fail(text: string): void {
    if (this.failures.length < MAX_FAILURES_KEPT) this.failures.push(text.slice(0, 600));
  }
}
