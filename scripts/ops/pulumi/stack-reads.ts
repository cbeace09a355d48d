/** Read-only questions to the stack: its outputs and single config values. */
import type { CommandRunner } from '../command-runner.js';
import { OpsError } from '../outcome.js';
import { pulumiArgs, type StackTarget } from './pulumi-project.js';

/** `pulumi stack output --json`: the stack's outputs (secrets stay masked). */
export async function readStackOutputs(target: StackTarget, run: CommandRunner): Promise<Record<string, unknown>> {
  const answer = await run('pulumi', pulumiArgs(target, 'stack', 'output', '--json'));
  if (answer.code !== 0) throw new OpsError('FAILED', `\`pulumi stack output\` failed: ${answer.stderr.trim()}`);
  try {
    const outputs: unknown = JSON.parse(answer.stdout);
    return typeof outputs === 'object' && outputs !== null ? (outputs as Record<string, unknown>) : {};
  } catch {
    throw new OpsError('FAILED', '`pulumi stack output --json` did not answer JSON.');
  }
}

/**
 * `pulumi config get KEY`: the value (secrets decrypted: keep it out of every output), or undefined
 * when the key is not set (the CLI then exits non-zero).
 */
export async function readConfigValue(
  target: StackTarget,
  key: string,
  run: CommandRunner,
): Promise<string | undefined> {
  const answer = await run('pulumi', pulumiArgs(target, 'config', 'get', key));
  const value = answer.stdout.trim();
  return answer.code === 0 && value ? value : undefined;
}

/**
 * `pulumi stack output NAME --show-secrets`: one output's value, secrets revealed (keep it out of every
 * output), or undefined when the stack has no such output.
 */
export async function readSecretOutput(
  target: StackTarget,
  name: string,
  run: CommandRunner,
): Promise<string | undefined> {
  const answer = await run('pulumi', pulumiArgs(target, 'stack', 'output', name, '--show-secrets'));
  const value = answer.stdout.trim();
  return answer.code === 0 && value ? value : undefined;
}
