import { describe, expect, it } from 'vitest';
import { OpsError } from '../../../../scripts/ops/outcome.js';
import { isLoopback, jobSocketUrl, parseDeploymentUrl } from '../../../../scripts/ops/verify/deployment-url.js';
import { formatCheck, runCheck } from '../../../../scripts/ops/verify/check-result.js';

describe('deployment URL', () => {
  it('keeps the origin and path without trailing slashes', () => {
    expect(parseDeploymentUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(parseDeploymentUrl('https://example.test/app//')).toBe('https://example.test/app');
  });

  it.each(['127.0.0.1:8080', 'ftp://x', 'http://x/?token=abc', 'not a url'])('rejects %s as a usage error', (raw) => {
    expect(() => parseDeploymentUrl(raw)).toThrow(OpsError);
    try {
      parseDeploymentUrl(raw);
    } catch (error) {
      expect((error as OpsError).exitCode).toBe(2);
    }
  });

  it('derives the job socket URL with ws or wss', () => {
    expect(jobSocketUrl('http://127.0.0.1:8080', 'abc')).toBe('ws://127.0.0.1:8080/ws/jobs/abc');
    expect(jobSocketUrl('https://example.test', 'abc')).toBe('wss://example.test/ws/jobs/abc');
  });

  it('knows loopback hosts', () => {
    expect(isLoopback('http://127.0.0.1:8080')).toBe(true);
    expect(isLoopback('http://localhost:8080')).toBe(true);
    expect(isLoopback('http://[::1]:8080')).toBe(true);
    expect(isLoopback('http://198.51.100.7')).toBe(false);
  });
});

describe('check lines', () => {
  it('start with PASS or FAIL and the check name, on one line', async () => {
    expect(formatCheck(await runCheck('health', () => Promise.resolve('200 ok')))).toBe('PASS health  200 ok');
    expect(formatCheck(await runCheck('ready', () => Promise.reject(new Error('503\nRedis down'))))).toBe(
      'FAIL ready  503 Redis down',
    );
  });
});
