/**
 * Preflight of the stack itself, once the tools are there and the stack is known: its config home can
 * be opened and is not shadowed by local values, and (before a deploy that pushes) the project routes
 * `gcr.io` to Artifact Registry. Probes are data plus a pure `judge`, as in preflight.ts.
 */
import type { CommandResult } from './command-runner.js';
import { OpsError } from './outcome.js';
import { localOverrides, stackFileName, type ConfigHome, type StackFile } from './pulumi/config-home.js';
import { failed as reason, firstLine, type Probe, type Verdict } from './preflight.js';

/** The stack's name for file names: `prod` of `acme/personalizedline/prod`. */
export function bareStackName(stack: string): string {
  return stack.split('/').pop() ?? stack;
}

/**
 * Throws `PREFLIGHT` when the stack file sets a key the config home owns (config-home.ts says why
 * that splits the truth between this machine and CI), naming the command that removes each.
 */
export function assertNoLocalOverrides(stackFile: StackFile, stack: string): void {
  const keys = localOverrides(stackFile);
  if (keys.length === 0) return;
  const file = stackFileName(bareStackName(stack));
  throw new OpsError(
    'PREFLIGHT',
    `Preflight found ${keys.length} problem(s); nothing was changed:\n` +
      keys
        .map(
          (key) =>
            `  - ${file} sets ${key} itself, which overrides the config home (ESC environment ${stackFile.environments[0]}) ` +
            `on this machine only, while CI reads the committed file. Move it: pulumi config rm ${key} --stack ${stack}, ` +
            'then set it where it belongs (npm run rollback, or npm run deploy -- --websocket / --unpin).',
        )
        .join('\n'),
  );
}

/** The config home answers: the settings environment opens with this machine's Pulumi login. */
export function configHomeProbe(home: Extract<ConfigHome, { kind: 'esc' }>): Probe {
  return {
    id: 'config-home',
    label: 'config home',
    command: 'pulumi',
    // Opens only the Pulumi config the environment exports; the JSON is read and dropped.
    args: ['env', 'open', home.environment, 'pulumiConfig', '--format', 'json'],
    judge: (r) =>
      r.code === 0
        ? { detail: `ESC environment ${home.environment}` }
        : {
            problem:
              `Cannot open the ESC environment ${home.environment}, this stack's config home (${reason(r)}). ` +
              `Create it (see docs/runbook.md#first-deploy: pulumi env init ${home.environment} --file ...), or, if it belongs to ` +
              'another Pulumi organization than your default one, run: pulumi org set-default <organization>.',
          },
  };
}

/** Artifact Registry's answer for projects that serve `gcr.io` through it (`legacyRedirectionState`). */
export function judgeRedirection(project: string, r: CommandResult): Verdict {
  const enable = `gcloud artifacts settings enable-upgrade-redirection --project=${project}`;
  if (r.code !== 0) {
    return /SERVICE_DISABLED|has not been used|is disabled/i.test(r.stderr)
      ? {
          problem: `The Artifact Registry API is not enabled in ${project}. Run: gcloud services enable artifactregistry.googleapis.com container.googleapis.com compute.googleapis.com --project=${project}`,
        }
      : {
          problem: `\`gcloud artifacts settings describe\` failed (${reason(r)}); the deployer needs roles/artifactregistry.admin on ${project}.`,
        };
  }
  const state = firstLine(r.stdout);
  // ENABLED, ENABLED_AND_COPYING and FINALIZED all route gcr.io to Artifact Registry; PARTIAL does so
  // for some repositories only, DISABLED for none (pushes would go to the shut-down Container Registry).
  if (/^REDIRECTION_FROM_GCR_IO_(ENABLED|ENABLED_AND_COPYING|FINALIZED)$/.test(state)) return { detail: state };
  return {
    problem: `gcr.io is not routed to Artifact Registry in ${project} (legacyRedirectionState ${state || 'unset'}), so the push would fail. Run: ${enable}`,
  };
}

/** `gcr.io` reaches this project's Artifact Registry repositories. */
export function redirectionProbe(project: string): Probe {
  return {
    id: 'gcr-redirection',
    label: 'gcr.io redirection',
    command: 'gcloud',
    args: ['artifacts', 'settings', 'describe', `--project=${project}`, '--format=value(legacyRedirectionState)'],
    judge: (r) => judgeRedirection(project, r),
  };
}
