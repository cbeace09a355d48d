/**
 * The default image tag: the git commit of the working tree, so a pushed tag says which code it holds.
 */
import { execFileSync } from 'node:child_process';

/** `<12 hex>` for a clean tree, `<12 hex>-dirty` when tracked files have uncommitted changes. Pure. */
export function commitTag(commit: string, dirty: boolean): string {
  const short = commit.trim().slice(0, 12);
  if (!/^[0-9a-f]{7,}$/.test(short)) throw new Error(`not a git commit id: ${JSON.stringify(commit)}`);
  return dirty ? `${short}-dirty` : short;
}

/** Reads {@link commitTag} for the repository at `cwd`; explains how to set the tag when git cannot. */
export function readCommitTag(cwd: string): string {
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const commit = git('rev-parse', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no').trim() !== '';
    return commitTag(commit, dirty);
  } catch (error) {
    throw new Error(
      `cannot read the git commit for the image tag (${(error as Error).message.split('\n')[0]}); ` +
        'set one with: pulumi config set imageTag <tag>',
      { cause: error },
    );
  }
}
