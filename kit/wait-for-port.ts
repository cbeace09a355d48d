/** Waiting until a server a caller started accepts TCP connections on a loopback port. */
import { connect } from 'node:net';
import { waitUntil, type WaitOptions } from './wait-until.js';

export interface WaitForPortOptions extends WaitOptions {
  /** What listens there, for the error message (`redis-server`, `haproxy`). @default 'a server' */
  readonly name?: string;
}

/** Whether something accepts a connection on `127.0.0.1:port` now. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves once `port` accepts connections; throws when the child exits first or time runs out.
 * @default timeoutMs 10_000, intervalMs 25
 */
export function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  return waitUntil(`${options.name ?? 'a server'} listened on port ${port}`, () => acceptsConnections(port), {
    timeoutMs: 10_000,
    intervalMs: 25,
    ...options,
  });
}
