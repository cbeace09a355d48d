import { describe, expect, it } from 'vitest';
import { startNodeProcess } from '../../kit/node-process.js';

describe('process start-up with bad configuration', () => {
  for (const entry of ['app/server/main.ts', 'app/worker/main.ts']) {
    it(`${entry} exits 1 with one message naming every bad variable`, async () => {
      const proc = startNodeProcess(entry, { env: { PORT: 'x', ENABLE_WEBSOCKET: 'nope' } });
      expect(await proc.exited).toBe(1);
      const output = proc.lines.join('\n');
      expect(output).toContain('JWT_SECRET is required');
      expect(output).toContain('ENABLE_WEBSOCKET');
      expect(output.split('\n').filter((line) => line.includes('Invalid configuration'))).toHaveLength(1);
    });
  }

  it('app/server/main.ts refuses to start with JWT_SECRET=abc (RFC 7518 §3.2) and says why', async () => {
    const proc = startNodeProcess('app/server/main.ts', { env: { JWT_SECRET: 'abc', PORT: '0' } });
    expect(await proc.exited).toBe(1);
    expect(proc.lines.join('\n')).toContain(
      'JWT_SECRET must be at least 32 bytes (an HS256 key has at least 256 bits, RFC 7518 §3.2), got 3',
    );
  });
});
