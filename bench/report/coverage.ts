/**
 * Joins what one client received with what the publisher sent, per job, into latencies. Pure.
 *
 * A client has "received" state `s` once it holds a frame with `seq >= s`: the contract allows a
 * server to coalesce intermediate states, and a poller only ever sees the latest one, so a skipped
 * state counts as delivered when (and only when) a later one arrives, with the latency of that later
 * arrival. Frames that carry exactly a published `seq` are counted apart (`exactFrames`), so a relay
 * that drops states is still visible.
 */

/** What one client received: the `seq` and local receive time (ms) of each frame, in arrival order. */
export interface FrameLog {
  readonly seqs: readonly number[];
  readonly times: readonly number[];
}

/** What the publisher sent for one job: `sendTimes[k]` is when `seq = firstSeq + k` was published. */
export interface SentStates {
  readonly firstSeq: number;
  readonly sendTimes: ArrayLike<number>;
}

export interface Coverage {
  /** States this client saw (or saw superseded), out of `expected`. */
  readonly delivered: number;
  readonly expected: number;
  /** Frames whose `seq` is exactly one of the published states. */
  readonly exactFrames: number;
  /** Frames whose `seq` did not grow (the contract forbids it). */
  readonly outOfOrder: number;
}

/**
 * Appends one latency per delivered state to `latencies` (receive time minus send time) and answers
 * the counts. `clockOffsetMs` is subtracted from receive times (the receiver's clock minus the
 * publisher's).
 */
export function coverStates(frames: FrameLog, sent: SentStates, latencies: number[], clockOffsetMs = 0): Coverage {
  const expected = sent.sendTimes.length;
  const lastSeq = sent.firstSeq + expected - 1;
  let next = 0;
  let exactFrames = 0;
  let outOfOrder = 0;
  let previous = -Infinity;
  for (let i = 0; i < frames.seqs.length; i++) {
    const seq = frames.seqs[i] as number;
    const time = (frames.times[i] as number) - clockOffsetMs;
    if (seq <= previous) {
      outOfOrder++;
      continue;
    }
    previous = seq;
    if (seq >= sent.firstSeq && seq <= lastSeq) exactFrames++;
    while (next < expected && sent.firstSeq + next <= seq) {
      latencies.push(time - (sent.sendTimes[next] as number));
      next++;
    }
  }
  return { delivered: next, expected, exactFrames, outOfOrder };
}
