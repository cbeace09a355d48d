/**
 * Who can deploy, read from .github/workflows/deploy.yml itself: the jobs' `if:` conditions are
 * evaluated (support/expression.ts, GitHub's semantics) for the events that can start the workflow.
 * Only a commit that reached main by a push to this repository, after CI passed on it, or a run started
 * by hand on main, deploys; a fork's pull request, whatever its branch is called, never does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../kit/repo-root.js';
import { conditionHolds, evaluate, type Value } from './support/expression.js';

interface Job {
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
}
const workflow = parse(readFileSync(join(REPO_ROOT, '.github/workflows/deploy.yml'), 'utf8')) as {
  jobs: Record<string, Job>;
  permissions?: unknown;
};
const deployIf = workflow.jobs.deploy!.if!;
const previewIf = workflow.jobs.preview!.if!;

const REPO = 'acme/personalizedline-deploy';
const FORK = 'mallory/personalizedline-deploy';

/** The `github` context of a run this repository's Deploy workflow gets. */
function github(event: string, fields: { ref?: string; event: Record<string, Value> }): Record<string, Value> {
  return { github: { event_name: event, repository: REPO, ref: fields.ref ?? 'refs/heads/main', event: fields.event } };
}

/** CI finished, as `workflow_run` reports it. */
function ciFinished(run: {
  event: string;
  headRepo: string;
  headBranch: string;
  conclusion?: string;
}): Record<string, Value> {
  return github('workflow_run', {
    event: {
      workflow_run: {
        event: run.event,
        conclusion: run.conclusion ?? 'success',
        head_branch: run.headBranch,
        head_sha: 'f'.repeat(40),
        head_repository: { full_name: run.headRepo },
      },
    },
  });
}

const pullRequest = (headRepo: string): Record<string, Value> =>
  github('pull_request', {
    ref: 'refs/pull/7/merge',
    event: { pull_request: { number: 7, head: { repo: { full_name: headRepo } } } },
  });

describe('the deploy job runs', () => {
  it('after CI passed on a push to main in this repository', () => {
    expect(conditionHolds(deployIf, ciFinished({ event: 'push', headRepo: REPO, headBranch: 'main' }))).toBe(true);
  });

  it('when started by hand on main', () => {
    expect(conditionHolds(deployIf, github('workflow_dispatch', { ref: 'refs/heads/main', event: {} }))).toBe(true);
  });
});

describe('the deploy job refuses', () => {
  it.each([
    ["a fork's pull request whose branch is named main", { event: 'pull_request', headRepo: FORK, headBranch: 'main' }],
    [
      "a fork's pull request whose branch is named MAIN (GitHub compares strings ignoring case)",
      { event: 'pull_request', headRepo: FORK, headBranch: 'MAIN' },
    ],
    [
      'a pull request from a branch of this repository named main',
      { event: 'pull_request', headRepo: REPO, headBranch: 'main' },
    ],
    ['a push reported from another repository', { event: 'push', headRepo: FORK, headBranch: 'main' }],
    ['a push to another branch', { event: 'push', headRepo: REPO, headBranch: 'feature' }],
    ['a push on which CI failed', { event: 'push', headRepo: REPO, headBranch: 'main', conclusion: 'failure' }],
    [
      'a push on which CI was cancelled',
      { event: 'push', headRepo: REPO, headBranch: 'main', conclusion: 'cancelled' },
    ],
    ['CI started by hand', { event: 'workflow_dispatch', headRepo: REPO, headBranch: 'main' }],
  ])('%s', (_case, run) => {
    expect(conditionHolds(deployIf, ciFinished(run))).toBe(false);
  });

  it('a run started by hand on another branch or a tag', () => {
    for (const ref of ['refs/heads/feature', 'refs/heads/main-copy', 'refs/tags/main']) {
      expect(conditionHolds(deployIf, github('workflow_dispatch', { ref, event: {} })), ref).toBe(false);
    }
  });

  it("(control) where the condition before this fix, which trusted the branch filter, let a fork's pull request deploy", () => {
    const before =
      "github.event_name == 'workflow_dispatch' || (github.event_name == 'workflow_run' && github.event.workflow_run.conclusion == 'success')";
    expect(conditionHolds(before, ciFinished({ event: 'pull_request', headRepo: FORK, headBranch: 'main' }))).toBe(
      true,
    );
    expect(conditionHolds(deployIf, ciFinished({ event: 'pull_request', headRepo: FORK, headBranch: 'main' }))).toBe(
      false,
    );
  });

  it('a pull request event itself', () => {
    expect(conditionHolds(deployIf, pullRequest(REPO))).toBe(false);
  });
});

describe('the preview job', () => {
  it("runs for this repository's pull requests only, and never deploys", () => {
    expect(conditionHolds(previewIf, pullRequest(REPO))).toBe(true);
    expect(conditionHolds(previewIf, pullRequest(FORK))).toBe(false);
    expect(conditionHolds(previewIf, ciFinished({ event: 'push', headRepo: REPO, headBranch: 'main' }))).toBe(false);
  });
});

describe('identities and secrets', () => {
  it('give the workflow no permission by default and each job only what it uses', () => {
    expect(workflow.permissions).toEqual({});
    for (const name of ['preview', 'deploy']) {
      expect(workflow.jobs[name]!.permissions, name).toEqual({ contents: 'read', 'id-token': 'write' });
    }
  });

  it('give the preview its own environment, account and token, and no production secret', () => {
    const text = readFileSync(join(REPO_ROOT, '.github/workflows/deploy.yml'), 'utf8');
    const previewBlock = text.slice(text.indexOf('\n  preview:'), text.indexOf('\n  deploy:'));
    expect(workflow.jobs.preview!.environment).toBe('preview');
    expect(workflow.jobs.deploy!.environment).toBe('production');
    expect(workflow.jobs.preview!.env?.PULUMI_ACCESS_TOKEN).toBe('${{ secrets.PULUMI_PREVIEW_ACCESS_TOKEN }}');
    expect(workflow.jobs.deploy!.env?.PULUMI_ACCESS_TOKEN).toBe('${{ secrets.PULUMI_ACCESS_TOKEN }}');
    expect(previewBlock).toContain('secrets.GCP_PREVIEW_SERVICE_ACCOUNT');
    for (const production of ['secrets.PULUMI_ACCESS_TOKEN', 'secrets.GCP_SERVICE_ACCOUNT']) {
      expect(previewBlock, production).not.toContain(production);
    }
  });
});

describe('the expression evaluator itself', () => {
  const context = { github: { event_name: 'push', event: { a: { b: 'X' } }, n: 3 } };

  it('reads paths, missing ones as null, and compares strings ignoring case', () => {
    expect(evaluate("github.event.a.b == 'x'", context)).toBe(true);
    expect(evaluate("github.event['a'].b", context)).toBe('X');
    expect(evaluate('github.event.missing.deeper', context)).toBe(null);
    // GitHub coerces values of different types to numbers: null and '' are both 0.
    expect(evaluate("github.event.missing == ''", context)).toBe(true);
    expect(evaluate("github.event.missing == 'main'", context)).toBe(false);
    expect(evaluate("github.n == '3'", context)).toBe(true);
  });

  it('binds && tighter than ||, answers operands, and negates with !', () => {
    expect(evaluate('true || false && false', context)).toBe(true);
    expect(evaluate('(true || false) && false', context)).toBe(false);
    expect(evaluate("github.event_name == 'pull_request' || 'fallback'", context)).toBe('fallback');
    expect(evaluate("!(github.event_name != 'push')", context)).toBe(true);
    expect(evaluate("'it''s'", context)).toBe("it's");
    expect(evaluate("${{ github.event_name == 'push' }}", context)).toBe(true);
  });

  it('refuses syntax it does not implement instead of guessing', () => {
    expect(() => evaluate("contains(github.event_name, 'p')", context)).toThrow(/not supported/);
    expect(() => evaluate('github.n > 1', context)).toThrow(/unsupported syntax/);
    expect(() => evaluate("github.event_name == 'push' extra", context)).toThrow(/unexpected tokens/);
  });
});
