/**
 * Debian's haproxy in front of local web processes, standing in for what is in front of the pods:
 * Google's load balancer (TLS, `X-Forwarded-Proto`), or kube-proxy spreading connections over a
 * Service's endpoints (`roundrobin`, or `source` for `sessionAffinity: ClientIP`). Servers are named
 * up front with their ports; a health check on `/ready` takes a stopped one out and a started one
 * in, as endpoints follow readiness, so a rollout can start replacements on spare ports. haproxy
 * reports each server going up or down on its output (`Server rr/s2 is DOWN, reason: …`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withRaisedFileLimit } from './file-limit.js';

/** Why a tool the proxy tests need is missing (naming the Debian package), or undefined. */
export function missingTools(tools: readonly string[]): string | undefined {
  for (const tool of tools) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return `${tool} not found: install the Debian package "${tool}" (.ci/run does)`;
    }
  }
  return undefined;
}

export interface HaproxyBackend {
  readonly name: string;
  /** `roundrobin` spreads connections like kube-proxy; `source` pins a client address like ClientIP affinity. */
  readonly balance: 'roundrobin' | 'source';
  /** Loopback ports of the servers; those not listening are simply down until they are. */
  readonly ports: readonly number[];
  /**
   * Checked every second, each check given 3 s as a readiness probe is: two failures take a server
   * out, one success puts it back. A refused connection (a stopped server) fails at once.
   */
  readonly healthPath?: string;
  /** Name the server that answered in this response header (`s1`, `s2`, … in port order). */
  readonly serverHeader?: string;
}

export interface HaproxyFrontend {
  readonly name: string;
  readonly port: number;
  readonly backend: string;
  /** haproxy's `crt` file (certificate and key): terminate TLS and say `X-Forwarded-Proto: https`. */
  readonly tlsPemFile?: string;
}

export interface HaproxyOptions {
  readonly frontends: readonly HaproxyFrontend[];
  readonly backends: readonly HaproxyBackend[];
  /** Connections at once (each takes two descriptors, client and server side). @default 2000 */
  readonly maxConnections?: number;
  /** `timeout tunnel`: an upgraded connection idle this long is cut. @default 3600 */
  readonly tunnelTimeoutSeconds?: number;
}

/** haproxy's configuration for `options`. Pure. */
export function haproxyConfig(options: HaproxyOptions): string {
  const maxconn = options.maxConnections ?? 2000;
  const lines = [
    'global',
    `  maxconn ${maxconn}`,
    'defaults',
    '  mode http',
    '  option http-server-close',
    // A server that refuses the connection (just killed) is retried once, then another one is taken.
    '  retries 2',
    '  option redispatch',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-request 10s',
    // A busy server's health answer may be slow without the server being gone.
    '  timeout check 3s',
    // After an upgrade only this applies to the connection, on both sides.
    `  timeout tunnel ${options.tunnelTimeoutSeconds ?? 3600}s`,
  ];
  for (const frontend of options.frontends) {
    lines.push(
      `frontend ${frontend.name}`,
      `  bind 127.0.0.1:${frontend.port}${frontend.tlsPemFile ? ` ssl crt ${frontend.tlsPemFile} alpn http/1.1` : ''}`,
      `  maxconn ${maxconn}`,
      '  option forwardfor',
      ...(frontend.tlsPemFile ? ['  http-request set-header X-Forwarded-Proto https'] : []),
      `  default_backend ${frontend.backend}`,
    );
  }
  for (const backend of options.backends) {
    lines.push(`backend ${backend.name}`, `  balance ${backend.balance}`);
    // Consistent hashing moves only the removed server's clients when the set changes, as affinity would.
    if (backend.balance === 'source') lines.push('  hash-type consistent');
    if (backend.healthPath) lines.push(`  option httpchk GET ${backend.healthPath}`);
    if (backend.serverHeader) lines.push(`  http-response set-header ${backend.serverHeader} %s`);
    const check = backend.healthPath ? ' check inter 1s fall 2 rise 1' : '';
    backend.ports.forEach((port, i) => lines.push(`  server s${i + 1} 127.0.0.1:${port}${check}`));
  }
  return `${lines.join('\n')}\n`;
}

export interface Haproxy {
  /** haproxy's own output (warnings, alerts). */
  readonly output: string[];
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts haproxy in the foreground (`-db`, its open-file limit raised to the hard limit) and waits
 * until every frontend port accepts connections. A configuration haproxy rejects throws its words.
 */
export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'pl-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(options));
  const check = spawnSync('haproxy', ['-c', '-q', '-f', config], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy rejects its configuration:\n${check.stdout}${check.stderr}`);
  const [command, args] = withRaisedFileLimit('haproxy', ['-db', '-f', config]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const frontend of options.frontends) await waitForPort(frontend.port, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { output, child, stop };
}

async function waitForPort(port: number, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${output.join('')}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`haproxy did not listen on ${port} within 10 s:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
