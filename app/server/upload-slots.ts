/**
 * How many uploads this process receives at once (UPLOAD_CONCURRENCY). Each holds a chunk, a gzip
 * stream and a parser's record in memory; the bound is what infra/k8s/sizing.ts counts for the web
 * pod. An upload that finds every slot taken waits a little for one (a burst of small uploads passes
 * one after another) and is refused only when none frees up in that time.
 */

/** How long an upload waits for a free slot before it is refused. Its body is not read meanwhile. */
export const UPLOAD_SLOT_WAIT_MS = 5_000;

export class UploadSlots {
  private taken = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.taken;
  }

  /** Takes a slot, waiting up to `waitMs` for one; answers its release function, or undefined when none freed up. */
  async take(waitMs = UPLOAD_SLOT_WAIT_MS): Promise<(() => void) | undefined> {
    if (this.taken >= this.limit) {
      const granted = await new Promise<boolean>((resolve) => {
        const grant = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(grant), 1);
          resolve(false);
        }, waitMs);
        this.waiting.push(grant);
      });
      if (!granted) return undefined;
    } else {
      this.taken++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // A waiting upload inherits the slot; otherwise it is free again.
      const next = this.waiting.shift();
      if (next) next();
      else this.taken--;
    };
  }
}
