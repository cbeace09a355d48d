import { describe, expect, it } from 'vitest';
import { cpuSeconds, localTcpPorts, parseCpuTicks, portsOfInodes, rssBytes } from '../../bench/runner/proc-stats.js';
import { countOwnedClients, parseClientList } from '../../bench/runner/redis-clients.js';

describe('/proc readers', () => {
  it('reads utime + stime even when the command name has spaces and parentheses', () => {
    const stat = '1234 (node (x) y) S 1 1234 1234 0 -1 4194304 97 0 0 0 250 70 0 0 20 0 11 0 69178';
    expect(parseCpuTicks(stat)).toBe(320);
  });

  it('maps socket inodes to local ports', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0',
      '   1: 0100007F:C350 0100007F:18EB 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0 20 4 30 10 -1',
    ].join('\n');
    expect(portsOfInodes(table, new Set(['222']))).toEqual([0xc350]);
  });

  it('reads this process: resident memory, CPU time and its own listening port', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect(rssBytes(process.pid)).toBeGreaterThan(1024 * 1024);
      expect(cpuSeconds(process.pid)).toBeGreaterThan(0);
      expect(localTcpPorts(process.pid).has(port)).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('Redis clients of a server', () => {
  const list = [
    'id=3 addr=127.0.0.1:40001 laddr=127.0.0.1:6380 fd=8 name=personalizedline-web age=1 cmd=client|list',
    'id=4 addr=127.0.0.1:40002 laddr=127.0.0.1:6380 fd=9 name= age=1 cmd=subscribe',
    'id=5 addr=127.0.0.1:50000 laddr=127.0.0.1:6380 fd=10 name=bench-control age=1 cmd=client|list',
    '',
  ].join('\n');

  it('parses CLIENT LIST lines', () => {
    expect(parseClientList(list)).toEqual([
      { port: 40001, name: 'personalizedline-web' },
      { port: 40002, name: '' },
      { port: 50000, name: 'bench-control' },
    ]);
  });

  it('counts only the clients whose port the server owns', () => {
    expect(countOwnedClients(parseClientList(list), new Set([40001, 40002, 8080]))).toBe(2);
  });
});
