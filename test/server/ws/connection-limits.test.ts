import { describe, expect, it } from 'vitest';
import { closeCodeLabel, closeReason } from '../../../app/server/ws/close-codes.js';
import { UserConnectionLimit } from '../../../app/server/ws/connection-limits.js';

describe('user connection limit', () => {
  it('hands out at most max slots per user and takes them back', () => {
    const limit = new UserConnectionLimit(2);
    expect([limit.tryAcquire('a'), limit.tryAcquire('a'), limit.tryAcquire('a')]).toEqual([true, true, false]);
    expect(limit.tryAcquire('b')).toBe(true);
    limit.release('a');
    expect(limit.held('a')).toBe(1);
    expect(limit.tryAcquire('a')).toBe(true);
    limit.release('b');
    expect(limit.held('b')).toBe(0);
  });
});

describe('close codes', () => {
  it('keeps close reasons within the 123 bytes a close frame allows', () => {
    expect(closeReason('short')).toBe('short');
    const long = closeReason('é'.repeat(200));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(123);
    expect(long.endsWith('...')).toBe(true);
  });

  it('labels known codes by number and any other client code as other', () => {
    expect(closeCodeLabel(4404)).toBe('4404');
    expect(closeCodeLabel(1013)).toBe('1013');
    expect(closeCodeLabel(3999)).toBe('other');
  });
});
