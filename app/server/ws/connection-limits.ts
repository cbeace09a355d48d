/**
 * Open WebSockets per user. A page needs one socket per running job it shows; the cap stops one
 * token from holding thousands of sockets (`4429`, retry later).
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
}
