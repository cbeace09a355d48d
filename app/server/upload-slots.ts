/**
 * How many uploads this process receives at once (UPLOAD_CONCURRENCY). Each holds a chunk, a gzip
 * stream and a parser's record in memory; the bound is what infra/k8s/sizing.ts counts for the web pod.
 */
export class UploadSlots {
  private taken = 0;

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.taken;
  }

  /** Takes a slot; answers its release function, or undefined when all are taken. */
  tryTake(): (() => void) | undefined {
    if (this.taken >= this.limit) return undefined;
    this.taken++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.taken--;
    };
  }
}
