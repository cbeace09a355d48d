/**
 * Preflight: before anything changes, check every tool, login and stack a command needs, and name
 * each missing piece together with the command that fixes it — all of them at once, so the operator
 * fixes the machine in one go. Probes are data plus a pure `judge`, so the verdicts are unit-tested.
 */
import { workloadNames } from '../../infra/k8s/labels.js';
import type { CommandResult, CommandRunner } from './command-runner.js';
import { OpsError, type Output } from './outcome.js';
import { pulumiArgs, type StackTarget } from './pulumi/pulumi-project.js';

/** A probe's verdict: a problem (with its fix), or fine with a short detail (version, account…). */
export type Verdict = { readonly problem: string } | { readonly detail: string };

export interface Probe {
  /** Stable id, also used by {@link Probe.needs}. */
  readonly id: string;
  /** What is checked, for the report line. */
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly judge: (result: CommandResult) => Verdict;
  /** Skip this probe when the probe with this id failed (no CLI → no login check). */
  readonly needs?: string;
}

/** The first non-empty line of a command's output. */
export const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() ?? '';
/** Why a command failed, in one line: its first error line, else its first output line, else its status. */
export const failed = (result: CommandResult): string =>
  firstLine(result.stderr) || firstLine(result.stdout) || `exit ${result.code}`;

export const pulumiCliProbe: Probe = {
  id: 'pulumi-cli',
  label: 'Pulumi CLI',
  command: 'pulumi',
  args: ['version'],
  judge: (r) =>
    r.missing
      ? {
          problem:
            'The Pulumi CLI is not installed. Install it: curl -fsSL https://get.pulumi.com | sh (then open a new shell), or see https://www.pulumi.com/docs/install/',
        }
      : r.code === 0
        ? { detail: firstLine(r.stdout) }
        : { problem: `\`pulumi version\` failed: ${failed(r)}` },
};

export const pulumiLoginProbe: Probe = {
  id: 'pulumi-login',
  label: 'Pulumi login',
  command: 'pulumi',
  args: ['whoami'],
  needs: 'pulumi-cli',
  judge: (r) =>
    r.code === 0
      ? { detail: firstLine(r.stdout) }
      : {
          problem: `Not logged in to a Pulumi backend (${failed(r)}). Run: pulumi login (in CI set PULUMI_ACCESS_TOKEN), or pulumi login gs://<state-bucket> for a self-managed backend.`,
        },
};

/** The stack to operate on: the named one must exist; without a name one must be selected. */
export function pulumiStackProbe(target: StackTarget): Probe {
  const fix = (name: string): string =>
    `Run from the repository root: pulumi stack select ${name} (or pulumi stack init ${name} for a new stack), or pass --stack NAME.`;
  if (!target.stack) {
    return {
      id: 'pulumi-stack',
      label: 'Pulumi stack',
      command: 'pulumi',
      args: pulumiArgs(target, 'stack', '--show-name'),
      needs: 'pulumi-login',
      judge: (r) =>
        r.code === 0 && firstLine(r.stdout)
          ? { detail: firstLine(r.stdout) }
          : { problem: `No Pulumi stack is selected (${failed(r)}). ${fix('<name>')}` },
    };
  }
  const wanted = target.stack;
  return {
    id: 'pulumi-stack',
    label: 'Pulumi stack',
    command: 'pulumi',
    args: pulumiArgs({ cwd: target.cwd }, 'stack', 'ls', '--json'),
    needs: 'pulumi-login',
    judge: (r) => {
      if (r.code !== 0) return { problem: `\`pulumi stack ls\` failed (${failed(r)}). ${fix(wanted)}` };
      return stackNames(r.stdout).some((name) => name === wanted || name.endsWith(`/${wanted}`))
        ? { detail: wanted }
        : { problem: `Stack "${wanted}" does not exist in this backend. ${fix(wanted)}` };
    },
  };
}

/** Names from `pulumi stack ls --json` (an array of `{name, current, …}`); [] when unreadable. */
export function stackNames(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed)
      ? parsed.flatMap((entry: { name?: unknown } | null) => (typeof entry?.name === 'string' ? [entry.name] : []))
      : [];
  } catch {
    return [];
  }
}

export const gcloudCliProbe: Probe = {
  id: 'gcloud-cli',
  label: 'Google Cloud CLI',
  command: 'gcloud',
  args: ['--version'],
  judge: (r) =>
    r.missing
      ? {
          problem:
            'The Google Cloud CLI (gcloud) is not installed. Install it: https://cloud.google.com/sdk/docs/install (Debian/Ubuntu: apt-get install google-cloud-cli).',
        }
      : r.code === 0
        ? { detail: firstLine(r.stdout) }
        : { problem: `\`gcloud --version\` failed: ${failed(r)}` },
};

export const gcloudAuthProbe: Probe = {
  id: 'gcloud-auth',
  label: 'gcloud account',
  command: 'gcloud',
  args: ['auth', 'list', '--filter=status:ACTIVE', '--format=value(account)'],
  needs: 'gcloud-cli',
  judge: (r) =>
    r.code === 0 && firstLine(r.stdout)
      ? { detail: firstLine(r.stdout) }
      : {
          problem:
            'gcloud has no active account. Run: gcloud auth login (in CI: google-github-actions/auth with workload identity federation).',
        },
};

export const applicationDefaultCredentialsProbe: Probe = {
  id: 'gcloud-adc',
  label: 'Application Default Credentials',
  command: 'gcloud',
  // Succeeds only when Pulumi's Google provider will find credentials. The token it prints is
  // captured and dropped, never shown.
  args: ['auth', 'application-default', 'print-access-token'],
  needs: 'gcloud-cli',
  judge: (r) =>
    r.code === 0
      ? { detail: 'available' }
      : {
          problem:
            "No Application Default Credentials for Pulumi's Google provider. Run: gcloud auth application-default login (in CI: google-github-actions/auth).",
        },
};

export const gkeAuthPluginProbe: Probe = {
  id: 'gke-auth-plugin',
  label: 'gke-gcloud-auth-plugin',
  command: 'gke-gcloud-auth-plugin',
  args: ['--version'],
  judge: (r) =>
    r.missing
      ? {
          problem:
            "gke-gcloud-auth-plugin is not installed (kubectl and Pulumi's Kubernetes provider need it for GKE). Run: gcloud components install gke-gcloud-auth-plugin (Debian/Ubuntu: apt-get install google-cloud-cli-gke-gcloud-auth-plugin).",
        }
      : r.code === 0
        ? { detail: firstLine(r.stdout) }
        : { problem: `\`gke-gcloud-auth-plugin --version\` failed: ${failed(r)}` },
};

export const kubectlCliProbe: Probe = {
  id: 'kubectl-cli',
  label: 'kubectl',
  command: 'kubectl',
  args: ['version', '--client'],
  judge: (r) =>
    r.missing
      ? {
          problem:
            'kubectl is not installed. Run: gcloud components install kubectl (Debian/Ubuntu: apt-get install kubectl).',
        }
      : r.code === 0
        ? { detail: firstLine(r.stdout) }
        : { problem: `\`kubectl version --client\` failed: ${failed(r)}` },
};

/** kubectl reaches the cluster and sees Deployment `web` in `namespace`. */
export function kubectlClusterProbe(namespace: string): Probe {
  return {
    id: 'kubectl-cluster',
    label: 'cluster access',
    command: 'kubectl',
    args: ['get', 'deployment', workloadNames.web, '-n', namespace, '-o', 'name'],
    needs: 'kubectl-cli',
    judge: (r) =>
      r.code === 0
        ? { detail: `deployment/web in namespace ${namespace}` }
        : {
            problem: `kubectl cannot read deployment/web in namespace ${namespace} (${failed(r)}). Run: gcloud container clusters get-credentials <cluster> --location <region> --project <project>, or pass --namespace.`,
          },
  };
}

/** What `pulumi up` needs: the CLI, a login, the stack, Google credentials and the GKE plugin. */
export function pulumiPreflight(target: StackTarget): Probe[] {
  return [
    pulumiCliProbe,
    pulumiLoginProbe,
    pulumiStackProbe(target),
    gcloudCliProbe,
    gcloudAuthProbe,
    applicationDefaultCredentialsProbe,
    gkeAuthPluginProbe,
  ];
}

/** What `kubectl` against GKE needs. */
export function kubectlPreflight(namespace: string): Probe[] {
  return [gcloudCliProbe, gcloudAuthProbe, gkeAuthPluginProbe, kubectlCliProbe, kubectlClusterProbe(namespace)];
}

/** Details of the probes that passed, by id (e.g. the resolved stack name under `pulumi-stack`). */
export type PreflightDetails = ReadonlyMap<string, string>;

/**
 * Runs the probes in order, prints one line each (`ok`, `MISSING` or `skipped`) and throws
 * `PREFLIGHT` naming every problem when any failed.
 */
export async function runPreflight(
  probes: readonly Probe[],
  run: CommandRunner,
  out: Output,
): Promise<PreflightDetails> {
  const details = new Map<string, string>();
  const failedIds = new Set<string>();
  const problems: string[] = [];
  for (const probe of probes) {
    if (probe.needs && failedIds.has(probe.needs)) {
      failedIds.add(probe.id);
      out(`preflight skipped  ${probe.label} (needs the item above)`);
      continue;
    }
    const verdict = probe.judge(await run(probe.command, probe.args));
    if ('problem' in verdict) {
      failedIds.add(probe.id);
      problems.push(verdict.problem);
      out(`preflight MISSING  ${probe.label}: ${verdict.problem}`);
    } else {
      details.set(probe.id, verdict.detail);
      out(`preflight ok       ${probe.label}: ${verdict.detail}`);
    }
  }
  if (problems.length > 0) {
    throw new OpsError(
      'PREFLIGHT',
      `Preflight found ${problems.length} problem(s); nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return details;
}
