/**
 * What the real tools answer on a machine that is ready to deploy, as stand-in rules: the text and
 * JSON shapes of Pulumi 3.x, gcloud, kubectl 1.31 and gke-gcloud-auth-plugin. Tests put rules for the
 * case under test first (the first matching rule answers) and these after.
 */
import type { Rule } from './stand-in-tools.js';

export const STACK = 'prod';
/** The config home Pulumi.prod.yaml names. */
export const SETTINGS_ENV = 'personalizedline/prod-settings';
export const NAMESPACE = 'personalizedline';
export const IMAGE_A = `gcr.io/example-project/personalizedline@sha256:${'a'.repeat(64)}`;
export const IMAGE_B = `gcr.io/example-project/personalizedline@sha256:${'b'.repeat(64)}`;
export const IMAGE_C = `gcr.io/example-project/personalizedline@sha256:${'c'.repeat(64)}`;

/** Pulumi's error exit status. */
const PULUMI_ERROR = 255;

/** `pulumi version`, `whoami`, the stack, gcloud with an account and ADC, the GKE plugin. */
export function toolsReady(): Rule[] {
  return [
    { tool: 'pulumi', match: ['version'], stdout: 'v3.248.0\n' },
    { tool: 'pulumi', match: ['whoami'], stdout: 'ci-bot\n' },
    { tool: 'pulumi', match: ['stack', '--show-name'], stdout: `${STACK}\n` },
    {
      tool: 'pulumi',
      match: ['stack', 'ls', '--json'],
      stdout: JSON.stringify([
        { name: STACK, current: true, updateInProgress: false, resourceCount: 14 },
        { name: 'staging', current: false, updateInProgress: false },
      ]),
    },
    {
      tool: 'gcloud',
      match: ['--version'],
      stdout: 'Google Cloud SDK 530.0.0\nbq 2.1.19\ncore 2025.07.11\ngcloud-crc32c 1.0.0\ngsutil 5.35\n',
    },
    { tool: 'gcloud', match: ['auth', 'list'], stdout: 'deployer@example-project.iam.gserviceaccount.com\n' },
    { tool: 'gcloud', match: ['auth', 'application-default', 'print-access-token'], stdout: 'ya29.stand-in-token\n' },
    { tool: 'gke-gcloud-auth-plugin', match: ['--version'], stdout: 'Kubernetes v1.30.0+1.2.3\n' },
    { tool: 'kubectl', match: ['version', '--client'], stdout: 'Client Version: v1.31.0\nKustomize Version: v5.4.2\n' },
    { tool: 'kubectl', match: ['get', 'deployment', 'web'], stdout: 'deployment.apps/web\n' },
    // The stack's config home (Pulumi.prod.yaml names it) opens, and gcr.io is routed to Artifact Registry.
    {
      tool: 'pulumi',
      match: ['env', 'open', SETTINGS_ENV, 'pulumiConfig'],
      stdout: '{"gcp:project":"example-project"}',
    },
    { tool: 'gcloud', match: ['artifacts', 'settings', 'describe'], stdout: 'REDIRECTION_FROM_GCR_IO_ENABLED\n' },
    configValue('gcp:project', 'example-project'),
  ];
}

/** `pulumi config get KEY` answers `value`, or Pulumi's "not found" error when undefined. */
export function configValue(key: string, value: string | undefined): Rule {
  return value === undefined
    ? {
        tool: 'pulumi',
        match: ['config', 'get', key],
        code: PULUMI_ERROR,
        stderr: `error: configuration key '${key}' not found for stack '${STACK}'\n`,
      }
    : { tool: 'pulumi', match: ['config', 'get', key], stdout: `${value}\n` };
}

/** `pulumi stack output --json` of a deployed stack whose load balancer is `baseUrl`. */
export function stackOutputs(baseUrl: string, image = IMAGE_C): Rule {
  const host = new URL(baseUrl).host;
  return {
    tool: 'pulumi',
    match: ['stack', 'output', '--json'],
    stdout: JSON.stringify(
      {
        healthUrl: `${baseUrl}/health`,
        imageRef: image,
        loadBalancerIp: host,
        websocketUrl: `ws://${host}/ws/jobs/{job_id}`,
      },
      null,
      4,
    ),
  };
}

/** `pulumi up --yes` succeeding with a short update summary. */
export function pulumiUpSucceeds(): Rule {
  return {
    tool: 'pulumi',
    match: ['up', '--yes', '--refresh'],
    stdout: `Updating (${STACK})\n\n     Type                                   Name                   Status\n     pulumi:pulumi:Stack                    personalizedline-${STACK}\n ~   └─ kubernetes:yaml/v2:ConfigGroup     app                    updated\n\nResources:\n    ~ 1 updated\n    13 unchanged\n\nDuration: 48s\n`,
  };
}

/** Every write to the config home (`pulumi env set/rm`) succeeds silently, as the CLI does. */
export function configWritesSucceed(): Rule[] {
  return [
    { tool: 'pulumi', match: ['env', 'set'] },
    { tool: 'pulumi', match: ['env', 'rm'] },
  ];
}

/** One entry of `pulumi stack history --json`. */
export function historyEntry(version: number, options: { kind?: string; result?: string; pin?: string } = {}): object {
  const config: Record<string, object> = {
    'gcp:project': { value: 'example-project', secret: false, object: false },
    'personalizedline:jwtSecret': { value: '[secret]', secret: true, object: false },
  };
  if (options.pin)
    config['personalizedline:imageDigestOverride'] = { value: options.pin, secret: false, object: false };
  return {
    version,
    kind: options.kind ?? 'update',
    startTime: `2026-01-0${Math.min(version, 9)}T10:00:00.000Z`,
    message: `deploy ${version}`,
    environment: { 'exec.kind': 'cli', 'git.head': `${version}`.repeat(40).slice(0, 40) },
    config,
    result: options.result ?? 'succeeded',
    endTime: `2026-01-0${Math.min(version, 9)}T10:01:00.000Z`,
    resourceChanges: { same: 13, update: 1 },
  };
}

/**
 * `pulumi stack export --version N`: a checkpoint whose stack output `imageRef` is `image`, and
 * `imagePinned` true when that update ran a rollback's pin.
 */
export function exportedVersion(version: number, image: string, options: { pinned?: boolean } = {}): Rule {
  return {
    tool: 'pulumi',
    match: ['stack', 'export', '--version', String(version)],
    stdout: JSON.stringify({
      version: 3,
      deployment: {
        manifest: { time: '2026-01-01T10:01:00Z', magic: 'x', version: 'v3.248.0' },
        resources: [
          {
            urn: `urn:pulumi:${STACK}::personalizedline::pulumi:pulumi:Stack::personalizedline-${STACK}`,
            custom: false,
            type: 'pulumi:pulumi:Stack',
            outputs: { imageRef: image, imagePinned: options.pinned ?? false, healthUrl: 'http://203.0.113.10/health' },
          },
          {
            urn: `urn:pulumi:${STACK}::personalizedline::pulumi:providers:kubernetes::gke`,
            custom: true,
            type: 'pulumi:providers:kubernetes',
          },
        ],
      },
    }),
  };
}
