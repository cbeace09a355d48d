/**
 * `--web-processes N`: the project's web server as N processes behind haproxy (round-robin), as a
 * Deployment's pods are behind kube-proxy, so delivery latency and per-connection cost can be
 * compared from 1 to N processes. The figures are the processes' sums; the proxy's own CPU is kept
 * apart (the cluster's load balancer is not the service's cost).
 */
import { join } from 'node:path';
import { freePort } from '../../kit/free-port.js';
import { startHaproxy, type Haproxy } from '../../kit/haproxy.js';
import { cpuSeconds } from './proc-stats.js';
import { SystemServer, type BenchServer, type ProbeMemory, type ServerStartOptions } from './system-server.js';

export class ServerGroup implements BenchServer {
  private constructor(
    private readonly servers: readonly SystemServer[],
    private readonly proxy: Haproxy,
    readonly url: string,
  ) {}

  /**
   * Starts `count` servers (logs `<logFile>` with `-1`, `-2`, … before the extension) and the proxy
   * in front of them, sized for `connections` clients.
   */
  static async start(count: number, connections: number, options: ServerStartOptions): Promise<ServerGroup> {
    const servers: SystemServer[] = [];
    try {
      for (let i = 1; i <= count; i++) {
        servers.push(
          await SystemServer.start({ ...options, logFile: options.logFile.replace(/(\.log)?$/, `-${i}.log`) }),
        );
      }
      const port = await freePort();
      const proxy = await startHaproxy({
        frontends: [{ name: 'web', port, backend: 'web' }],
        backends: [{ name: 'web', balance: 'roundrobin', ports: servers.map((s) => s.port), healthPath: '/ready' }],
        maxConnections: connections + 1_000,
      });
      return new ServerGroup(servers, proxy, `http://127.0.0.1:${port}`);
    } catch (error) {
      await Promise.all(servers.map((s) => s.stop()));
      throw error;
    }
  }

  get pids(): readonly number[] {
    return this.servers.map((s) => s.pid);
  }

  /** The proxy's CPU time so far, in seconds. */
  proxyCpuSeconds(): number {
    return cpuSeconds(this.proxy.child.pid as number);
  }

  async measureMemory(): Promise<ProbeMemory> {
    const each = await Promise.all(this.servers.map((s) => s.measureMemory()));
    return { heapUsed: each.reduce((sum, m) => sum + m.heapUsed, 0) };
  }

  writeHeapSnapshot(path: string): Promise<unknown> {
    return Promise.all(this.servers.map((s, i) => s.writeHeapSnapshot(numbered(path, i + 1))));
  }

  startProfile(): Promise<unknown> {
    return Promise.all(this.servers.map((s) => s.startProfile()));
  }

  stopProfile(path: string): Promise<unknown> {
    return Promise.all(this.servers.map((s, i) => s.stopProfile(numbered(path, i + 1))));
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

/** `dir/name.ext` → `dir/name-<n>.ext`. */
function numbered(path: string, n: number): string {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? `${path.slice(0, dot)}-${n}${path.slice(dot)}` : join(path, String(n));
}
