/**
 * What deploy and the Pulumi rollbacks establish before they plan anything: the tools (preflight.ts),
 * then the stack, its config home and, for a deploy that may push, the project's gcr.io routing.
 */
import type { OpsEnvironment } from './ops-environment.js';
import { OpsError } from './outcome.js';
import { DEPLOYER_ROLES, rolesLine } from './deployer-roles.js';
import { pulumiPreflight, runPreflight } from './preflight.js';
import { assertNoLocalOverrides, bareStackName, configHomeProbe, redirectionProbe } from './preflight-stack.js';
import { configHomeOf, readStackFile, type ConfigHome } from './pulumi/config-home.js';
import { CONFIG_KEYS, type StackTarget } from './pulumi/pulumi-project.js';
import { readConfigValue } from './pulumi/stack-reads.js';

/** The stack a command operates on. */
export interface StackContext {
  /** Every `pulumi` call of the command names this stack. */
  readonly target: StackTarget;
  /** Where its settings live and the rollbacks write. */
  readonly home: ConfigHome;
}

export interface StackContextOptions {
  /** `--stack`; undefined: the selected stack. */
  readonly stack?: string;
  /** Also check that `gcr.io` reaches Artifact Registry (a deploy may push) and list the deployer's roles. */
  readonly forDeploy: boolean;
}

/** Runs both preflights; throws `PREFLIGHT` naming every problem, or answers the stack's context. */
export async function establishStack(options: StackContextOptions, env: OpsEnvironment): Promise<StackContext> {
  const { run, out } = env;
  const details = await runPreflight(pulumiPreflight({ stack: options.stack }), run, out);
  const stack = details.get('pulumi-stack') ?? options.stack ?? '';
  const target: StackTarget = { stack };
  const stackFile = readStackFile(target, bareStackName(stack));
  assertNoLocalOverrides(stackFile, stack);
  const home = configHomeOf(stackFile, bareStackName(stack));

  // The home first: reading any setting (the project, below) goes through it.
  if (home.kind === 'esc') await runPreflight([configHomeProbe(home)], run, out);
  else out(`preflight note     config home: ${home.file} (no ESC environment; CI sees only what is committed)`);
  if (options.forDeploy) {
    const project = await readConfigValue(target, CONFIG_KEYS.gcpProject, run);
    if (!project) {
      throw new OpsError(
        'PREFLIGHT',
        `Preflight found 1 problem(s); nothing was changed:\n  - ${CONFIG_KEYS.gcpProject} is not set for stack ${stack}. ` +
          'Set it in the config home (see docs/runbook.md#first-deploy).',
      );
    }
    await runPreflight([redirectionProbe(project)], run, out);
    out(`preflight info     the deployer needs: ${rolesLine(DEPLOYER_ROLES)} (docs/runbook.md#first-deploy)`);
  }
  return { target, home };
}
