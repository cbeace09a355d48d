/**
 * `npm run bench` end to end, on the smoke profile (C = 200, 3 s, every system): the JSON report is
 * complete and every system delivered every state. Speed is what the benchmark measures, so
 * nothing here asserts a timing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../bench/options.js';
import { REQUIRED_RUN_KEYS, type BenchReport } from '../../bench/report/run-result.js';
import { missingTools } from '../../kit/haproxy.js';
import { hasRedisServer } from '../../kit/redis-server.js';
import { REPO_ROOT } from '../../kit/repo-root.js';

const hasRedis = hasRedisServer();
if (!hasRedis)
  console.warn('skipping the bench command test: redis-server is not installed (apt-get install redis-server)');

/** Runs `npm run bench -- args…` and answers its exit code and everything it printed. */
async function runBench(args: readonly string[]): Promise<{ exitCode: number | null; output: string }> {
  const child = spawn('npm', ['run', 'bench', '--', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { exitCode, output };
}

describe.skipIf(!hasRedis)('npm run bench', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-bench-test-'));
  let exitCode: number | null = null;
  let output = '';
  let report: BenchReport;

  beforeAll(async () => {
    ({ exitCode, output } = await runBench([
      '--smoke',
      '--json',
      join(dir, 'bench.json'),
      '--svg',
      join(dir, 'bench.svg'),
      '--out',
      join(dir, 'out'),
    ]));
    report = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as BenchReport;
  }, 900_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and prints the table and the targets', () => {
    expect(exitCode, output).toBe(0);
    expect(output).toMatch(/^system\s+C\s+jobs\s+rate/m);
    expect(output).toContain('Targets (ratios from this report)');
  });

  it('writes a JSON report with the machine, the date and one run per system', () => {
    expect(report.machine).toMatch(/cores/);
    expect(Number.isNaN(Date.parse(report.date))).toBe(false);
    expect(report.profile).toBe('smoke');
    expect(report.runs.map((r) => r.system).sort()).toEqual([...SYSTEMS].sort());
  });

  it('has every required figure in every run', () => {
    for (const run of report.runs) {
      for (const key of REQUIRED_RUN_KEYS) expect(run, `${run.system} lacks ${key}`).toHaveProperty(key);
      for (const key of ['p50_ms', 'p95_ms', 'p99_ms', 'max_ms'] as const)
        expect(typeof run[key], `${run.system} ${key}`).toBe('number');
      expect(run.rate).toBe(1000);
      expect(run.jobs).toBe(20);
    }
    const server = report.runs.filter((r) => ['this', 'ws-relay', 'ws-naive', 'socketio'].includes(r.system));
    for (const run of server) {
      for (const key of ['heap_per_conn_bytes', 'rss_per_conn_bytes', 'cpu_percent', 'redis_clients'] as const) {
        expect(typeof run[key], `${run.system} ${key}`).toBe('number');
      }
    }
  });

  it('shows zero loss: every system delivered every published state, in order', () => {
    for (const run of report.runs) {
      expect(run.expected, run.system).toBeGreaterThan(0);
      expect(run.delivered, `${run.system}: ${JSON.stringify(run.failures)}`).toBe(run.expected);
      expect(run.failed, run.system).toBe(0);
      expect(run.out_of_order, run.system).toBe(0);
      expect(run.publish_errors, run.system).toBe(0);
    }
  });

  it('counts what each design holds: one Redis connection per socket only for ws-naive, HTTP polls only for polling', () => {
    const of = (system: string) => report.runs.find((r) => r.system === system);
    expect(of('ws-naive')?.redis_clients).toBe(200);
    expect(of('ws-relay')?.redis_clients).toBe(1);
    expect(of('this')?.redis_clients).toBeLessThanOrEqual(3);
    expect(of('polling')?.http_requests).toBeGreaterThan(0);
    expect(of('this')?.http_requests).toBe(0);
  });

  it('draws the chart', () => {
    const svg = readFileSync(join(dir, 'bench.svg'), 'utf8');
    expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('>this</text>');
  });
});

const hasHaproxy = missingTools(['haproxy']) === undefined;
if (hasRedis && !hasHaproxy)
  console.warn('skipping the --web-processes run: haproxy is not installed (apt-get install haproxy)');

describe.skipIf(!hasRedis || !hasHaproxy)('npm run bench -- --web-processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-bench-procs-'));
  let exitCode: number | null = null;
  let output = '';

  beforeAll(async () => {
    ({ exitCode, output } = await runBench([
      '--smoke',
      '--systems',
      'this',
      '--web-processes',
      '2',
      '--json',
      join(dir, 'bench.json'),
      '--out',
      join(dir, 'out'),
    ]));
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('spreads the clients over two web processes behind haproxy and loses nothing', () => {
    expect(exitCode, output).toBe(0);
    const [run] = (JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as BenchReport).runs;
    expect(run).toMatchObject({ system: 'this', web_processes: 2, failed: 0, out_of_order: 0 });
    expect(run!.delivered).toBe(run!.expected);
    // Each process holds its own three Redis connections; the proxy's CPU is counted apart.
    expect(run!.redis_clients).toBe(6);
    expect(typeof run!.proxy_cpu_percent).toBe('number');
    expect(output).toMatch(/^this×2 /m);
  });
});
