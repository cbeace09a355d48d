import { describe, expect, it } from 'vitest';
import { parseProgressMessage, seqOf } from '../../app/domain/progress-message.js';
import { isJobId, percentOf } from '../../app/domain/job.js';
import { progressChannel, jobIdOfChannel, redisKeys } from '../../app/domain/redis-keys.js';

const sample =
  '{"type":"progress","jobId":"j","status":"running","processed":42,"total":100,"percent":42,"seq":43,"error":null,"at":"2026-01-01T00:00:00.000Z"}';

describe('progress message', () => {
  it('parses the contract example and reads its seq cheaply', () => {
    expect(parseProgressMessage(sample)).toMatchObject({ status: 'running', processed: 42, seq: 43 });
    expect(seqOf(sample)).toBe(43);
  });

  it('rejects anything that is not a progress message', () => {
    expect(parseProgressMessage('nope')).toBeUndefined();
    expect(parseProgressMessage('{"type":"other"}')).toBeUndefined();
    expect(parseProgressMessage(sample.replace('"running"', '"dancing"'))).toBeUndefined();
    expect(seqOf('{}')).toBe(-1);
  });
});

describe('job domain', () => {
  it('computes whole percents and 100 for success', () => {
    expect(percentOf(1, 3, 'running')).toBe(33);
    expect(percentOf(0, 0, 'running')).toBe(0);
    expect(percentOf(5, 10, 'succeeded')).toBe(100);
  });

  it('accepts only UUIDs as job ids', () => {
    expect(isJobId('0b8f6f3e-2c1d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(true);
    for (const bad of ['../etc/passwd', 'a:b', '', 'x'.repeat(10_000), '0B8F6F3E-2C1D-4E5F-8A9B-0C1D2E3F4A5B']) {
      expect(isJobId(bad)).toBe(false);
    }
  });

  it('builds the contract channel and encodes user ids inside key names', () => {
    expect(progressChannel('abc')).toBe('job_progress:abc');
    expect(jobIdOfChannel('job_progress:abc')).toBe('abc');
    expect(redisKeys('t').userJobs('a:b}c')).toBe('t:user:a%3Ab%7Dc:jobs');
  });
});
