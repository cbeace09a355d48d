/**
 * Free loopback ports, as the kernel picks them. A port is released again before the caller binds it
 * (redis-server cannot take `--port 0`, haproxy's servers must be named up front), so a rare race
 * with another process remains; callers bind at once.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';

/** One free loopback port. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `count` free loopback ports, all different: each is held open until all are picked (two calls of
 * {@link freePort} in a row may answer the same port).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.unref();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
