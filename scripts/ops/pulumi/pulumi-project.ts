/**
 * Names shared with the Pulumi program (project `personalizedline`: `Pulumi.yaml` and the stack
 * files at the repository root, the program in `infra/pulumi/`): the project directory, the stack
 * config keys the scripts set, and the stack outputs they read. Kept in one module so a rename in
 * the program is one edit here.
 */
import { isIPv6 } from 'node:net';
import { fileURLToPath } from 'node:url';
import { defaultManifestOptions } from '../../../infra/k8s/options.js';

/** The Pulumi project name; config keys live under this namespace. */
export const PULUMI_PROJECT = 'personalizedline';

/**
 * Absolute path of the Pulumi project (the folder of `Pulumi.yaml`: the repository root), passed as
 * `--cwd` so the scripts work from any working directory.
 */
export const PULUMI_DIR = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

/** Stack config keys, fully qualified. */
export const CONFIG_KEYS = {
  /** boolean: `ENABLE_WEBSOCKET` of the web container. */
  enableWebsocket: `${PULUMI_PROJECT}:enableWebsocket`,
  /** string `repo@sha256:…`: when set, the program deploys this image and builds nothing. */
  imageDigestOverride: `${PULUMI_PROJECT}:imageDigestOverride`,
  /** secret: signs user tokens; verify mints its token with it when `JWT_SECRET` is unset. */
  jwtSecret: `${PULUMI_PROJECT}:jwtSecret`,
  /** string: Kubernetes namespace of the workloads (default {@link DEFAULT_NAMESPACE}). */
  namespace: `${PULUMI_PROJECT}:namespace`,
  /** string: the GCP project of the cluster and the registry. */
  gcpProject: 'gcp:project',
  /** preview only, `repo@sha256:…`: the image the workloads show while a preview pushes nothing. */
  previewImage: `${PULUMI_PROJECT}:previewImage`,
  /** preview only, 64 hex: the running Secret's checksum, for a preview without the secrets. */
  previewSecretChecksum: `${PULUMI_PROJECT}:previewSecretChecksum`,
} as const;

/** Stack output names. */
export const OUTPUT_NAMES = {
  /** The image the workloads run, by digest (`repo@sha256:…`). */
  image: 'imageRef',
  /** External IP of Service `web`. */
  loadBalancerIp: 'loadBalancerIp',
  /** `http://<ip>/health`. */
  healthUrl: 'healthUrl',
  /** `ws://<ip>/ws/jobs/{job_id}` template. */
  websocketUrl: 'websocketUrl',
  /** secret: the JWT secret the program generated because the stack config sets none. */
  generatedJwtSecret: 'jwtSecret',
  /** Whether {@link image} was pinned by a rollback rather than built (an update that is not a release). */
  imagePinned: 'imagePinned',
  /** SHA-256 of the Secret's data (not secret): what a preview without the secrets shows the pods against. */
  appSecretChecksum: 'appSecretChecksum',
} as const;

/** Default namespace: the synthesized manifests'. */
export const DEFAULT_NAMESPACE = defaultManifestOptions.namespace;

/** Where every `pulumi` invocation runs and on which stack (`undefined`: the selected one). */
export interface StackTarget {
  readonly stack?: string;
  /** @default PULUMI_DIR */
  readonly cwd?: string;
}

/** Arguments of `pulumi <args…>` pinned to the program's directory and, when given, the stack. */
export function pulumiArgs(target: StackTarget, ...args: string[]): string[] {
  const stack = target.stack ? ['--stack', target.stack] : [];
  return [...args, ...stack, '--cwd', target.cwd ?? PULUMI_DIR];
}

/** An image reference pinned by digest, as `full` rollback requires. */
export function isDigestReference(image: string): boolean {
  return /^[a-z0-9][\w.:/-]*@sha256:[0-9a-f]{64}$/.test(image);
}

/**
 * The deployment's base URL (`http://<ip>`) from stack outputs: the health URL without its path,
 * else the load balancer IP. Undefined when neither output exists (yet).
 */
export function baseUrlFromOutputs(outputs: Readonly<Record<string, unknown>>): string | undefined {
  const health = outputs[OUTPUT_NAMES.healthUrl];
  if (typeof health === 'string' && health) {
    try {
      return new URL(health).origin;
    } catch {
      // fall through to the IP
    }
  }
  const ip = outputs[OUTPUT_NAMES.loadBalancerIp];
  return typeof ip === 'string' && ip ? baseUrlFromIp(ip) : undefined;
}

/** `http://<ip>` (Service `web` listens on port 80); IPv6 addresses in brackets. */
export function baseUrlFromIp(ip: string): string {
  return `http://${isIPv6(ip) ? `[${ip}]` : ip}`;
}
