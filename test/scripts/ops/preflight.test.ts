import { describe, expect, it } from 'vitest';
import { stringContaining } from '../../support/matchers.js';
import type { CommandResult, CommandRunner } from '../../../scripts/ops/command-runner.js';
import { OpsError } from '../../../scripts/ops/outcome.js';
import {
  gcloudAuthProbe,
  gkeAuthPluginProbe,
  pulumiCliProbe,
  pulumiPreflight,
  pulumiStackProbe,
  runPreflight,
  stackNames,
} from '../../../scripts/ops/preflight.js';

const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '', missing: false });
const missing: CommandResult = { code: null, stdout: '', stderr: 'spawn pulumi ENOENT', missing: true };
const failed = (stderr: string): CommandResult => ({ code: 255, stdout: '', stderr, missing: false });

describe('preflight verdicts', () => {
  it('names the install command of a missing tool', () => {
    expect(pulumiCliProbe.judge(missing)).toEqual({
      problem: stringContaining('curl -fsSL https://get.pulumi.com | sh'),
    });
    expect(gkeAuthPluginProbe.judge(missing)).toEqual({
      problem: stringContaining('gcloud components install gke-gcloud-auth-plugin'),
    });
    expect(pulumiCliProbe.judge(ok('v3.248.0\n'))).toEqual({ detail: 'v3.248.0' });
  });

  it('wants an active gcloud account', () => {
    expect(gcloudAuthProbe.judge(ok(''))).toEqual({ problem: stringContaining('gcloud auth login') });
    expect(gcloudAuthProbe.judge(ok('me@example.test\n'))).toEqual({ detail: 'me@example.test' });
  });

  it('checks a named stack against pulumi stack ls, fully qualified names included', () => {
    const probe = pulumiStackProbe({ stack: 'prod', cwd: '/p' });
    expect(probe.args).toEqual(['stack', 'ls', '--json', '--cwd', '/p']);
    expect(probe.judge(ok('[{"name":"acme/prod"}]'))).toEqual({ detail: 'prod' });
    expect(probe.judge(ok('[{"name":"staging"}]'))).toEqual({
      problem: stringContaining('pulumi stack init prod for a new stack'),
    });
    expect(stackNames('oops')).toEqual([]);
  });

  it('wants a selected stack when none is named', () => {
    const probe = pulumiStackProbe({ cwd: '/p' });
    expect(probe.args).toEqual(['stack', '--show-name', '--cwd', '/p']);
    expect(probe.judge(failed('error: no stack selected'))).toEqual({
      problem: stringContaining('No Pulumi stack is selected (error: no stack selected)'),
    });
  });
});

describe('running preflight', () => {
  it('skips probes whose prerequisite failed and lists every problem in one error', async () => {
    const calls: string[] = [];
    const run: CommandRunner = (command, args) => {
      calls.push([command, ...args].join(' '));
      if (command === 'pulumi') return Promise.resolve(missing);
      if (command === 'gcloud' && args[0] === 'auth' && args[1] === 'list') return Promise.resolve(ok(''));
      return Promise.resolve(ok('fine\n'));
    };
    const lines: string[] = [];
    const error = await runPreflight(pulumiPreflight({ cwd: '/p' }), run, (l) => lines.push(l)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpsError);
    expect((error as OpsError).code).toBe('PREFLIGHT');
    expect((error as OpsError).message).toContain('Preflight found 2 problem(s)');
    expect(calls).toEqual([
      'pulumi version',
      'gcloud --version',
      'gcloud auth list --filter=status:ACTIVE --format=value(account)',
      'gcloud auth application-default print-access-token',
      'gke-gcloud-auth-plugin --version',
    ]);
    expect(lines.filter((l) => l.startsWith('preflight skipped'))).toHaveLength(2);
  });

  it('answers the details of passing probes, e.g. the selected stack', async () => {
    const run: CommandRunner = (command, args) =>
      Promise.resolve(ok(args.includes('--show-name') ? 'prod\n' : `${command} ok\n`));
    const details = await runPreflight(pulumiPreflight({ cwd: '/p' }), run, () => undefined);
    expect(details.get('pulumi-stack')).toBe('prod');
  });
});
