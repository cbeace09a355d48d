/**
 * One large record at a time per process. A CSV record is held whole while it is parsed (csv-parse
 * in the web server, a stored line in the worker) and copied a few times on its way through, so a
 * 10 MiB cell costs about 40 MiB. Streams whose current record grows past {@link LARGE_RECORD_BYTES}
 * take turns here, so the process's peak is bounded by one such record, not by how many arrive at
 * once (infra/k8s/sizing.ts counts exactly one). A stream waiting its turn reads nothing more.
 */

/** A record longer than this waits for its turn. Ordinary rows are well under a kilobyte. */
export const LARGE_RECORD_BYTES = 1024 * 1024;

export class LargeRecordGate {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  /** Resolves with the release function once the caller's large record may proceed. */
  async enter(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.held) {
      await new Promise<void>((resolve, reject) => {
        const turn = (): void => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = (): void => {
          this.waiting.splice(this.waiting.indexOf(turn), 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', abort, { once: true });
        this.waiting.push(turn);
      });
    } else {
      this.held = true;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.held = false;
    };
  }
}

/** One stream's use of the gate: it takes its turn when its current record grows large, gives it back after. */
export class LargeRecordTurn {
  private release: (() => void) | undefined;

  constructor(private readonly gate: LargeRecordGate) {}

  /** Waits for the turn when the record in progress is about to be `pendingBytes` long and that is large. */
  async before(pendingBytes: number, signal?: AbortSignal): Promise<void> {
    if (this.release === undefined && pendingBytes > LARGE_RECORD_BYTES) this.release = await this.gate.enter(signal);
  }

  /** Gives the turn back once the record in progress is small again (the large one is written out). */
  after(pendingBytes: number): void {
    if (this.release !== undefined && pendingBytes <= LARGE_RECORD_BYTES) this.end();
  }

  /** Gives the turn back, if held (the stream ended or failed). */
  end(): void {
    this.release?.();
    this.release = undefined;
  }
}
