/** Reads the capacity scripts' refusal replies (app/store/lua-functions.ts). Pure. */
import type { CapacityRefusal } from '../domain/capacity.js';

/**
 * `{'backlog', open, max}` or `{'memory', used, limit, reserved, need, open, inflight, nextExpiryMs}`
 * as a {@link CapacityRefusal}.
 */
export function parseRefusal(reply: readonly unknown[]): CapacityRefusal {
  const n = (index: number): number => Number(reply[index]);
  if (reply[0] === 'backlog') return { reason: 'backlog', openJobs: n(1), maxOpenJobs: n(2) };
  if (reply[0] !== 'memory') throw new Error(`unexpected capacity reply ${JSON.stringify(reply)}`);
  return {
    reason: 'memory',
    usedBytes: n(1),
    limitBytes: n(2),
    reservedBytes: n(3),
    neededBytes: n(4),
    openJobs: n(5),
    uploadsInFlight: n(6),
    nextExpiryMs: n(7) < 0 ? undefined : n(7),
  };
}
