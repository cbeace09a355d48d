/**
 * Open WebSockets per user in this process. A page needs one socket per running job it shows; the
 * cap stops one token from holding thousands of sockets (`4429`, retry later). Across processes the
 * cap is enforced in Redis (connection-slots.ts); this count refuses early when this process alone is
 * at the cap, and is what the process tells Redis when Redis lost its share.
 */
export class UserConnectionLimit {
  private readonly counts = new Map<string, number>();

  /** @param max sockets one user may hold (WS_MAX_CONNECTIONS_PER_USER) */
  constructor(readonly max: number) {}

  /** Takes a slot for `userId`; false when the user already holds `max`. */
  tryAcquire(userId: string): boolean {
    const held = this.counts.get(userId) ?? 0;
    if (held >= this.max) return false;
    this.counts.set(userId, held + 1);
    return true;
  }

  release(userId: string): void {
    const held = this.counts.get(userId) ?? 0;
    if (held <= 1) this.counts.delete(userId);
    else this.counts.set(userId, held - 1);
  }

  held(userId: string): number {
    return this.counts.get(userId) ?? 0;
  }

  /** Slots held by all users together. */
  get total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  /** Every user with slots, and how many. */
  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }
}
