/**
 * A plan is the list of commands a change will run. It is built by pure functions (so tests assert
 * it without processes), printed before the confirmation, then executed step by step, stopping at the
 * first failure with the command and its error.
 */
import { formatCommand, type CommandRunner } from './command-runner.js';
import { OpsError, type Output } from './outcome.js';

export interface Step {
  /** Why this step runs, in the operator's words. */
  readonly description: string;
  readonly command: string;
  readonly args: readonly string[];
  /**
   * Show the command's output live (long-running `pulumi up`, `kubectl rollout status`).
   * @default false
   */
  readonly stream?: boolean;
}

/** Prints the numbered plan: each step's purpose and the exact command. */
export function printPlan(title: string, steps: readonly Step[], out: Output): void {
  out(title);
  steps.forEach((step, index) => {
    out(`  ${index + 1}. ${step.description}`);
    out(`     $ ${formatCommand(step.command, step.args)}`);
  });
}

/** Runs the steps in order; throws `FAILED` naming the step and the command's error at the first failure. */
export async function executePlan(steps: readonly Step[], run: CommandRunner, out: Output): Promise<void> {
  for (const [index, step] of steps.entries()) {
    out(`==> [${index + 1}/${steps.length}] ${step.description}`);
    out(`$ ${formatCommand(step.command, step.args)}`);
    const result = await run(step.command, step.args, { stream: step.stream ?? false });
    if (result.code !== 0) {
      const reason = result.missing
        ? `${step.command} is not installed`
        : lastLines(result.stderr || result.stdout, 5) || `exit ${result.code}`;
      throw new OpsError('FAILED', `Step ${index + 1} failed: ${formatCommand(step.command, step.args)}\n${reason}`);
    }
  }
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
