/**
 * The documentation's links resolve: every relative link and `#anchor` in README.md and docs/*.md,
 * and every `docs/…` or `README.md#…` reference in the tracked code, config and messages. And the
 * checker itself finds what it exists for, on a small repository made in a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenLinks, githubSlug, headingAnchors, markdownLinks, type RepoReader } from './doc-links.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function readerAt(root: string): RepoReader {
  return { readFile: (path) => readFileSync(join(root, path), 'utf8'), exists: (path) => existsSync(join(root, path)) };
}

/** The Markdown the repository publishes: the README and every page of docs/. */
function markdownFiles(root: string): string[] {
  return [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
}

/**
 * Every tracked file of code, config and scripts (app, infra, scripts, bench, chaos, kit, test,
 * Pulumi.yaml, package.json, .github, .ci, Dockerfile…), where messages and comments point users at
 * the documentation: all but the Markdown (checked as Markdown), docs/ itself and the npm lock file.
 */
function trackedSourceFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\0')
    .filter(
      (f) =>
        f !== '' &&
        !f.endsWith('.md') &&
        !f.startsWith('docs/') &&
        f !== 'package-lock.json' &&
        existsSync(join(ROOT, f)),
    );
}

describe('GitHub heading anchors', () => {
  it.each([
    ['Capacity run (`--capacity`)', 'capacity-run---capacity'],
    ['gcr.io and Artifact Registry', 'gcrio-and-artifact-registry'],
    ["WebSocket won't connect", 'websocket-wont-connect'],
    ['Quick, emergency: kubectl only', 'quick-emergency-kubectl-only'],
    ['Load shedding: admission and `CAPACITY_EXCEEDED`', 'load-shedding-admission-and-capacity_exceeded'],
    ['WebSocket: `GET /ws/jobs/{job_id}`', 'websocket-get-wsjobsjob_id'],
    ['Runbook — [Alerts](#alerts)', 'runbook--alerts'],
  ])('%s → #%s', (heading, anchor) => {
    expect(githubSlug(heading)).toBe(anchor);
  });

  it('numbers repeated headings and ignores code blocks', () => {
    const anchors = headingAnchors('# Tests\n\n## Tests\n\n```sh\n# not a heading\n```\n### Tests ###\n');
    expect([...anchors]).toEqual(['tests', 'tests-1', 'tests-2']);
  });

  it('reads links outside code spans and blocks only', () => {
    const links = markdownLinks('[a](x.md) `[b](y.md)` [`c`](z.md#q) ![i](p.svg "t")\n```\n[d](w.md)\n```\n');
    expect(links.map((l) => l.target)).toEqual(['x.md', 'z.md#q', 'p.svg']);
  });
});

describe('the link check, on a small repository', () => {
  const root = mkdtempSync(join(tmpdir(), 'doc-links-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  // Built from parts, so that this file holds no reference the repository-wide check would follow.
  const docs = 'docs';
  const readme = 'README';
  write(
    'README.md',
    `# Project\n\n## Setup\n\n[ok](${docs}/guide.md#install) [gone](${docs}/gone.md) [bad anchor](${docs}/guide.md#nowhere)\n` +
      `[here](#setup) [not here](#teardown) [web](https://example.com/x.md) \`[code](gone.md)\`\n`,
  );
  write(
    `${docs}/guide.md`,
    `# Guide\n\n## Install\n\n[back](../README.md#setup) [up](../README.md#project-1)\n` +
      `The data: \`${docs}/data.json\`, \`${docs}/lost.json\`.\n`,
  );
  write(`${docs}/data.json`, '{}\n');
  write(
    'src/main.ts',
    `// see ${docs}/guide.md#install and ${docs}/guide.md#uninstall; ${docs}/old.md; https://x.dev/${docs}/no.md\n` +
      `const message = \`${readme}.md, Setup\`;\nconst fine = '${readme}.md#setup';\n`,
  );

  it('names each broken link, anchor and reference, and nothing else', () => {
    const broken = brokenLinks(['README.md', `${docs}/guide.md`], ['src/main.ts'], readerAt(root));
    expect(broken.map((b) => `${b.file}:${b.line} ${b.target}`)).toEqual([
      `README.md:5 ${docs}/gone.md`,
      `README.md:5 ${docs}/guide.md#nowhere`,
      'README.md:6 #teardown',
      `${docs}/guide.md:5 ../README.md#project-1`,
      `${docs}/guide.md:6 ${docs}/lost.json`,
      `src/main.ts:1 ${docs}/guide.md#uninstall`,
      `src/main.ts:1 ${docs}/old.md`,
      `src/main.ts:2 ${readme}.md, Setup`,
    ]);
    expect(broken[0]!.problem).toBe(`${docs}/gone.md does not exist`);
    expect(broken[1]!.problem).toBe(`${docs}/guide.md has no heading with the anchor #nowhere`);
  });
});

describe("the repository's documentation", () => {
  const repo = readerAt(ROOT);

  it('has a README and the pages it links', () => {
    const pages = markdownFiles(ROOT);
    for (const page of ['websocket', 'page', 'kubernetes', 'pulumi', 'runbook', 'benchmark', 'reliability']) {
      expect(pages).toContain(`docs/${page}.md`);
    }
  });

  it('has no broken link or anchor in README.md and docs/*.md', () => {
    expect(brokenLinks(markdownFiles(ROOT), [], repo)).toEqual([]);
  });

  it('has no broken docs/ or README.md# reference in the tracked code, config and messages', () => {
    const sources = trackedSourceFiles();
    expect(sources.length).toBeGreaterThan(300);
    expect(brokenLinks([], sources, repo)).toEqual([]);
  });
});
