/** Counting the Redis connections a server holds: CLIENT LIST entries whose client port the server owns. */

export interface RedisClientEntry {
  /** The client's port as Redis sees it (the client side's local port). */
  readonly port: number;
  readonly name: string;
}

/** Parses CLIENT LIST output (`id=… addr=127.0.0.1:PORT … name=… …`, one client per line). */
export function parseClientList(text: string): RedisClientEntry[] {
  const entries: RedisClientEntry[] = [];
  for (const line of text.split('\n')) {
    const addr = /(?:^|\s)addr=(\S+)/.exec(line)?.[1];
    if (!addr) continue;
    const name = /(?:^|\s)name=(\S*)/.exec(line)?.[1] ?? '';
    entries.push({ port: Number(addr.slice(addr.lastIndexOf(':') + 1)), name });
  }
  return entries;
}

/** How many of the clients connect from one of `ports` (a server's local ports on this host). */
export function countOwnedClients(entries: readonly RedisClientEntry[], ports: ReadonlySet<number>): number {
  return entries.filter((entry) => ports.has(entry.port)).length;
}
