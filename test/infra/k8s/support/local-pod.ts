/**
 * Runs a synthesized container as a local process, the way the kubelet would run it, with the few
 * mappings a laptop needs and nothing else: the image's working directory is a local folder, the
 * Secret is an object the test makes, Service names and container ports map to local addresses.
 * The command, arguments, environment names and probe paths come from the manifest unchanged, so a
 * typo in any of them makes the local run fail as the pod would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { IContainer, IProbe } from 'kubernetes-models/v1';

/** A Secret's data, as the Pulumi program creates it. */
export interface LocalSecret {
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
}

/** `host:port` inside the cluster (a Service) → where it is reachable locally. */
export interface ServiceMapping {
  readonly host: string;
  readonly port: number;
  readonly local: { readonly host: string; readonly port: number };
}

/**
 * Kubernetes' `$(VAR)` expansion in `command`, `args` and env values: a defined variable is replaced,
 * an undefined one is left as written, and `$$` escapes a dollar.
 */
export function expandKubeVars(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return vars.get(name!) ?? match;
  });
}

/**
 * The container's environment in declaration order: literal values (expanded against earlier
 * variables, as Kubernetes does) and `secretKeyRef`s read from `secrets`. A reference to a Secret
 * or key that does not exist throws, as the kubelet refuses to start such a container.
 */
export function resolveContainerEnv(container: IContainer, secrets: readonly LocalSecret[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const entry of container.env ?? []) {
    if (typeof entry.value === 'string') {
      vars.set(entry.name, expandKubeVars(entry.value, vars));
      continue;
    }
    const ref = entry.valueFrom?.secretKeyRef;
    if (!ref) throw new Error(`env ${entry.name}: only value and secretKeyRef are supported here`);
    const secret = secrets.find((s) => s.name === ref.name);
    if (!secret) throw new Error(`env ${entry.name}: Secret "${ref.name}" does not exist`);
    const value = secret.data[ref.key];
    if (value === undefined) throw new Error(`env ${entry.name}: Secret "${ref.name}" has no key "${ref.key}"`);
    vars.set(entry.name, value);
  }
  return vars;
}

/** Rewrites every URL-valued variable that points at a mapped Service to its local address. */
export function mapServiceUrls(
  vars: ReadonlyMap<string, string>,
  mappings: readonly ServiceMapping[],
): Map<string, string> {
  const mapped = new Map(vars);
  for (const [name, value] of vars) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    const mapping = mappings.find((m) => m.host === url.hostname && String(m.port) === url.port);
    if (!mapping) continue;
    url.hostname = mapping.local.host;
    url.port = String(mapping.local.port);
    mapped.set(name, url.toString());
  }
  return mapped;
}

/** A probe or Service port (number or container-port name) as the container port number. */
export function containerPortOf(container: IContainer, port: number | string): number {
  if (typeof port === 'number') return port;
  const found = (container.ports ?? []).find((p) => p.name === port);
  if (!found) throw new Error(`container ${container.name} has no port named "${port}"`);
  return found.containerPort;
}

/** A running container process. */
export interface LocalContainer {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything it wrote, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the exit code (or signal name) once it exited. */
  readonly exited: Promise<number | string | null>;
  /** SIGTERM (by default), then the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/**
 * Starts `container` as a local process: `command` + `args` expanded against `vars`, in `root` as
 * the image's working directory, with exactly `vars` plus PATH and HOME as its environment.
 */
export function startLocalContainer(
  container: IContainer,
  root: string,
  vars: ReadonlyMap<string, string>,
): LocalContainer {
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map((a) => expandKubeVars(a, vars));
  if (argv.length === 0)
    throw new Error(`container ${container.name} has no command (the image default is not used here)`);
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...Object.fromEntries(vars) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('error', (error) => {
      text += `\n[spawn error] ${error.message}`;
      resolve(`spawn error`);
    });
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  return {
    name: container.name,
    child,
    output: () => text,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** How a probe reaches the process: container port → local port. */
export type PortMap = (containerPort: number) => number;

/** One probe attempt with the kubelet's success rule (HTTP 200–399). Only httpGet is needed here. */
export async function probeOnce(probe: IProbe, container: IContainer, ports: PortMap): Promise<boolean> {
  const http = probe.httpGet;
  if (!http) throw new Error('only httpGet probes run locally');
  const url = `${(http.scheme ?? 'HTTP').toLowerCase()}://127.0.0.1:${ports(containerPortOf(container, http.port))}${http.path}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout((probe.timeoutSeconds ?? 1) * 1000) });
    await response.arrayBuffer();
    return response.status >= 200 && response.status < 400;
  } catch {
    return false;
  }
}

/**
 * Retries `probe` until it passes. Gives up after `budgetMs` or when the process exits, with its
 * output in the error so a failing run says why.
 */
export async function waitForProbe(
  kind: string,
  probe: IProbe,
  container: IContainer,
  ports: PortMap,
  proc: LocalContainer,
  budgetMs: number,
): Promise<void> {
  const deadline = Date.now() + budgetMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  for (;;) {
    if (await probeOnce(probe, container, ports)) return;
    if (exited || Date.now() > deadline) {
      const why = exited ? 'the process exited' : `not within ${budgetMs} ms`;
      throw new Error(
        `${proc.name}: ${kind} probe ${JSON.stringify(probe.httpGet)} did not pass (${why}). Last output:\n${proc.output().split('\n').slice(-30).join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
