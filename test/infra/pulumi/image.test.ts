import { describe, expect, it } from 'vitest';
import { digestReference, imageTags } from '../../../infra/pulumi/image.js';
import { commitTag } from '../../../infra/pulumi/git-commit.js';
import { gcrHosts, gcrRepositoryLocations, imageRepository } from '../../../infra/pulumi/registry.js';

const digest = `sha256:${'c3'.repeat(32)}`;

describe('image references', () => {
  it('tags the commit first (docker-build reports the first tag as ref) and latest second', () => {
    expect(imageTags('gcr.io/p/app', 'abc')).toEqual(['gcr.io/p/app:abc', 'gcr.io/p/app:latest']);
  });

  it('deploys by digest and refuses anything that is not one', () => {
    expect(digestReference('gcr.io/p/app', digest)).toBe(`gcr.io/p/app@${digest}`);
    expect(() => digestReference('gcr.io/p/app', '')).toThrow(/refusing to deploy by tag/);
    expect(() => digestReference('gcr.io/p/app', 'latest')).toThrow(/no digest/);
  });

  it('names images gcr.io/<project>/<name>', () => {
    expect(imageRepository('eu.gcr.io', 'my-proj', 'personalizedline')).toBe('eu.gcr.io/my-proj/personalizedline');
  });

  it('knows which Artifact Registry multi-region serves each gcr.io host', () => {
    expect(gcrHosts).toEqual(['gcr.io', 'us.gcr.io', 'eu.gcr.io', 'asia.gcr.io']);
    expect(gcrRepositoryLocations).toEqual({
      'gcr.io': 'us',
      'us.gcr.io': 'us',
      'eu.gcr.io': 'europe',
      'asia.gcr.io': 'asia',
    });
  });
});

describe('commit tag', () => {
  it('is the 12-character commit, marked dirty when tracked files changed', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    expect(commitTag(`${sha}\n`, false)).toBe('0123456789ab');
    expect(commitTag(sha, true)).toBe('0123456789ab-dirty');
    expect(() => commitTag('fatal: not a git repository', false)).toThrow(/not a git commit/);
  });
});
