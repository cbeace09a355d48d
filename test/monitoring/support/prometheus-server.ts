/**
 * A real `prometheus` (Debian's package) for tests: a free loopback port, a temporary storage folder,
 * a one-second scrape and evaluation interval, the given targets and rules file. Answers go through
 * Prometheus' HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../../kit/free-port.js';
import { waitForHttp } from '../../../kit/wait-for-http.js';

export interface ScrapeTarget {
  /** The `job` label, as GMP sets it from the PodMonitoring's name. */
  readonly job: string;
  /** `http://host:port` serving `/metrics`. */
  readonly url: string;
}

export interface ActiveAlert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing';
}

export interface PrometheusServer {
  readonly url: string;
  /** Every `__name__` of the series seen since the start. */
  seriesNames(): Promise<string[]>;
  /** The alerts pending or firing now. */
  alerts(): Promise<ActiveAlert[]>;
  /** The number of targets whose last scrape succeeded. */
  healthyTargets(): Promise<number>;
  /** Prometheus' own output, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(
  binary: string,
  targets: readonly ScrapeTarget[],
  rulesYaml: string,
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pl-prometheus-'));
  writeFileSync(join(dir, 'rules.yml'), rulesYaml);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yml')],
      scrape_configs: targets.map((t) => ({ job_name: t.job, static_configs: [{ targets: [new URL(t.url).host] }] })),
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForHttp(`${url}/-/ready`, { child, intervalMs: 100, output: () => output });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    seriesNames: () => api<string[]>('/api/v1/label/__name__/values?start=0'),
    alerts: async () => (await api<{ alerts: ActiveAlert[] }>('/api/v1/alerts')).alerts,
    healthyTargets: async () =>
      (await api<{ activeTargets: { health: string }[] }>('/api/v1/targets')).activeTargets.filter(
        (t) => t.health === 'up',
      ).length,
    output: () => output,
    stop,
  };
}
