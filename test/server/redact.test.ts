import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../app/server/redact.js';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';

describe('redactUrl', () => {
  it('redacts token parameters however their names are spelled or encoded', () => {
    for (const name of ['token', 'TOKEN', 't%6Fken', '%74oken', 'access_token', 'access%5Ftoken', 'jwt']) {
      expect(redactUrl(`/ws/jobs/1?a=1&${name}=secret-value&b=2`)).toBe(`/ws/jobs/1?a=1&${name}=[REDACTED]&b=2`);
    }
  });

  it('redacts anything shaped like a JWT anywhere in the URL', () => {
    expect(redactUrl(`/health?x=${jwt}`)).toBe('/health?x=[REDACTED]');
    expect(redactUrl(`/jobs/${jwt}/progress`)).toBe('/jobs/[REDACTED]/progress');
  });

  it('leaves ordinary URLs alone, including malformed escapes', () => {
    expect(redactUrl('/jobs?offset=0&limit=60')).toBe('/jobs?offset=0&limit=60');
    expect(redactUrl('/jobs?%zz=1&tokenish=2')).toBe('/jobs?%zz=1&tokenish=2');
  });
});
