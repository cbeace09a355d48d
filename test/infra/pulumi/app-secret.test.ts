import { describe, expect, it } from 'vitest';
import { redisUrl } from '../../../infra/pulumi/app-secret.js';

describe('REDIS_URL', () => {
  it('is redis://:<password>@redis:6379', () => {
    expect(redisUrl('s3cret')).toBe('redis://:s3cret@redis:6379');
  });

  it('survives passwords with URL syntax in them, decoding back to the same password', () => {
    for (const password of ['p@ss:w/rd', 'a#b?c%d', 'spaces and ünïcode', '::@@//']) {
      const url = new URL(redisUrl(password));
      expect(url.hostname).toBe('redis');
      expect(url.port).toBe('6379');
      // What the app's Redis client does with the URL's password.
      expect(decodeURIComponent(url.password)).toBe(password);
    }
  });
});
