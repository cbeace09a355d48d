/**
 * Judging a scale-out run, pure: how long each client was away after a server ended its connection
 * (against the page's own backoff), and how many sockets each user held at once across all web
 * processes, rebuilt from the processes' own log lines.
 */
import { backoffCeiling } from '../../../app/client/backoff.js';
import type { ClientOutcome } from './watch-fleet-protocol.js';

/** A time a client was without a connection: from a live socket's end to the next state it got. */
export interface Gap {
  readonly index: number;
  readonly code: number;
  readonly closedAt: number;
  /** When a socket's first frame or a poll's answer came; undefined when it never came back. */
  readonly backAt: number | undefined;
  /** WebSocket attempts started in the gap (the one that came back included). */
  readonly attempts: number;
  /** The page's backoff for that many attempts: the sum of their ceilings. */
  readonly backoffMs: number;
}

/**
 * Every gap of a client: each socket that was live (had a frame) and closed before the terminal state,
 * up to the next socket's first frame or the next answered poll. Failed attempts in between are part
 * of the gap, not gaps of their own.
 */
export function reconnectGaps(outcome: ClientOutcome): Gap[] {
  const gaps: Gap[] = [];
  const { connections } = outcome;
  connections.forEach((connection, i) => {
    if (connection.upAt === undefined || connection.closedAt === undefined || connection.code === undefined) return;
    const closedAt = connection.closedAt;
    if (outcome.terminal !== undefined && outcome.terminal.at <= closedAt) return;
    const socketBack = connections.slice(i + 1).find((c) => c.upAt !== undefined)?.upAt;
    const pollBack = outcome.polls.find((p) => p.ok && p.answeredAt > closedAt)?.answeredAt;
    const backs = [socketBack, pollBack].filter((t): t is number => t !== undefined);
    const backAt = backs.length > 0 ? Math.min(...backs) : undefined;
    const attempts = connections
      .slice(i + 1)
      .filter((c) => c.startedAt >= closedAt && (backAt === undefined || c.startedAt <= backAt)).length;
    let backoffMs = 0;
    for (let a = 0; a < attempts; a++) backoffMs += backoffCeiling(a);
    gaps.push({ index: outcome.index, code: connection.code, closedAt, backAt, attempts, backoffMs });
  });
  return gaps;
}

/** A web process' log lines, and when it was killed (its open sockets end then) if it was. */
export interface WebLog {
  readonly lines: readonly string[];
  readonly killedAt?: number;
}

/**
 * The most sockets each user held at once in all processes together, from the contract's log lines
 * `WebSocket connected for job {id}` and `WebSocket disconnected for job {id}` and their times. A
 * process logs the connect after its slot was taken and the disconnect as it gives the slot back, so
 * each logged interval lies inside the slot's: this count never exceeds what the cap allowed.
 */
export function maxSocketsPerUser(webs: readonly WebLog[], ownerOf: ReadonlyMap<string, string>): Map<string, number> {
  const events: { at: number; user: string; delta: number }[] = [];
  for (const web of webs) {
    const open = new Map<string, number>();
    for (const line of web.lines) {
      let entry: { msg?: string; time?: number; jobId?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      const delta = entry.msg?.startsWith('WebSocket connected for job ')
        ? 1
        : entry.msg?.startsWith('WebSocket disconnected for job ')
          ? -1
          : 0;
      const user = entry.jobId === undefined ? undefined : ownerOf.get(entry.jobId);
      if (delta === 0 || user === undefined || entry.time === undefined) continue;
      events.push({ at: entry.time, user, delta });
      open.set(user, (open.get(user) ?? 0) + delta);
    }
    if (web.killedAt !== undefined) {
      for (const [user, count] of open) if (count > 0) events.push({ at: web.killedAt, user, delta: -count });
    }
  }
  // At the same millisecond a release comes before the take it made room for.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const held = new Map<string, number>();
  const most = new Map<string, number>();
  for (const event of events) {
    const now = (held.get(event.user) ?? 0) + event.delta;
    held.set(event.user, now);
    most.set(event.user, Math.max(most.get(event.user) ?? 0, now));
  }
  return most;
}
