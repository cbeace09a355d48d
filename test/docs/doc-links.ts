/**
 * Finds the links of Markdown files and the documentation references of source files, and says which
 * do not resolve: a missing file, or an `#anchor` that is no heading of the file it points into.
 * Anchors follow GitHub's rules (github-slugger): the heading's text, lower-cased, with every
 * character that is not a letter, mark, number, connector (`_`), hyphen or space dropped, each space
 * made a hyphen, and `-1`, `-2`… appended to repeats within one file. Pure apart from `readFile` and
 * `exists`, which the caller passes in.
 */
import { dirname, join, normalize } from 'node:path';

/** A link or reference that does not resolve, with where it was found. */
export interface BrokenLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly problem: string;
}

/** How the checker reads the repository (paths are relative to its root). */
export interface RepoReader {
  readonly readFile: (path: string) => string;
  readonly exists: (path: string) => boolean;
}

/** GitHub's anchor for a heading's Markdown text. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or image counts by its text
    .replace(/<[^>]+>/g, '') // inline HTML tags
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Each line of `markdown` with whether it lies inside a fenced code block (the fences included). */
function linesOutsideFences(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence === undefined && marker !== undefined) fence = marker[0]!.repeat(marker.length);
    else if (fence !== undefined && marker !== undefined && marker.startsWith(fence)) fence = undefined;
    else if (fence === undefined) out.push({ text, line: index + 1 });
  });
  return out;
}

/** The anchors GitHub gives the headings of `markdown`. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of linesOutsideFences(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The targets of the inline links and images of `markdown`, outside code blocks and code spans. */
export function markdownLinks(markdown: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  for (const { text, line } of linesOutsideFences(markdown)) {
    // A code span shows its text literally, so a "link" inside one is none; blank it out, keeping
    // the brackets of a link whose text is code.
    const prose = text.replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length));
    for (const match of prose.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ target: match[1]!, line });
    }
  }
  return links;
}

/**
 * References to the documentation in a source or config file, written from the repository root:
 * `docs/<file>.<md|svg|json>` with an optional `#<anchor>`, and the README with an optional
 * `#<anchor>`. An anchor built at run time (`#${…}`) is not read.
 */
export function sourceReferences(source: string): { target: string; line: number }[] {
  const refs: { target: string; line: number }[] = [];
  source.split('\n').forEach((text, index) => {
    for (const match of text.matchAll(/(?<![\w./-])(?:docs\/[\w./-]+\.(?:md|svg|json)|README\.md)(?:#[\w-]+)?/g)) {
      refs.push({ target: match[0], line: index + 1 });
    }
  });
  return refs;
}

/**
 * Prose that names a README section by its title (the word README, an optional `'s`, `:` or `,`,
 * then a capitalised title) instead of linking it: such a name silently goes stale when the section
 * moves. Link `docs/<file>.md#<anchor>` instead.
 */
export function namedReadmeSections(source: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  source.split('\n').forEach((text, index) => {
    for (const match of text.matchAll(/\bREADME(?:\.md)?(?:'s)?[:,]?\s+["*]?[A-Z][\w ]*/g)) {
      found.push({ target: match[0], line: index + 1 });
    }
  });
  return found;
}

/** Whether `target` (relative to `fromFile`) resolves in the repository; a problem sentence if not. */
function resolveProblem(
  target: string,
  fromFile: string,
  repo: RepoReader,
  anchorsOf: (path: string) => Set<string>,
): string | undefined {
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const path = pathPart === '' ? fromFile : normalize(join(dirname(fromFile), decodeURIComponent(pathPart)));
  if (path.startsWith('..')) return 'points outside the repository';
  if (!repo.exists(path)) return `${path} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!path.endsWith('.md')) return `an anchor into ${path}, which is not Markdown`;
  return anchorsOf(path).has(decodeURIComponent(anchor))
    ? undefined
    : `${path} has no heading with the anchor #${anchor}`;
}

/** Every link of the Markdown files and every documentation reference of the source files that does not resolve. */
export function brokenLinks(
  markdownFiles: readonly string[],
  sourceFiles: readonly string[],
  repo: RepoReader,
): BrokenLink[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (path: string): Set<string> => {
    let anchors = anchorCache.get(path);
    if (anchors === undefined) anchorCache.set(path, (anchors = headingAnchors(repo.readFile(path))));
    return anchors;
  };
  const broken: BrokenLink[] = [];
  for (const file of markdownFiles) {
    const markdown = repo.readFile(file);
    for (const { target, line } of markdownLinks(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: and the like
      const problem = resolveProblem(target, file, repo, anchorsOf);
      if (problem !== undefined) broken.push({ file, line, target, problem });
    }
    // A path named in the text (`docs/benchmark.json`) is read from the root, like one in code.
    for (const { target, line } of sourceReferences(markdown)) {
      const problem = resolveProblem(target, 'README.md', repo, anchorsOf);
      const reported = broken.some((b) => b.file === file && b.line === line && b.target === target);
      if (problem !== undefined && !reported) broken.push({ file, line, target, problem });
    }
  }
  for (const file of sourceFiles) {
    const source = repo.readFile(file);
    for (const { target, line } of sourceReferences(source)) {
      // Source references are written from the repository root, whatever folder the file is in.
      const problem = resolveProblem(target, 'README.md', repo, anchorsOf);
      if (problem !== undefined) broken.push({ file, line, target, problem });
    }
    for (const { target, line } of namedReadmeSections(source)) {
      broken.push({
        file,
        line,
        target,
        problem: 'names a README section in prose; link docs/<file>.md#<anchor> instead',
      });
    }
  }
  return broken;
}
