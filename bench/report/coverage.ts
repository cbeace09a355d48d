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

/** The largest latency of the states sent in each `bucketMs` slice of the window, from `start`. */
export interface LatencyTimeline {
  readonly start: number;
  readonly bucketMs: number;
  readonly max: number[];
}

/** Where {@link coverStates} puts what it finds. */
export interface CoverageSinks {
  /** One latency (ms) per delivered state, receive time minus send time. */
  readonly latencies: number[];
  /** When given, the last state's latency (the terminal one) goes here instead of `latencies`. */
  readonly terminalLatencies?: number[];
  /** The receiver's clock minus the publisher's, subtracted from receive times. @default 0 */
  readonly clockOffsetMs?: number;
  /** The worst latency per slice of send time: shows whether the tail is spread out or a few stalls. */
  readonly timeline?: LatencyTimeline;
}

/** Records one latency per delivered state into `sinks` and answers the counts. */
export function coverStates(frames: FrameLog, sent: SentStates, sinks: CoverageSinks): Coverage {
  const { latencies, terminalLatencies, timeline } = sinks;
  const clockOffsetMs = sinks.clockOffsetMs ?? 0;
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
      const sentAt = sent.sendTimes[next] as number;
      const latency = time - sentAt;
      if (terminalLatencies && next === expected - 1) {
        terminalLatencies.push(latency);
      } else {
        latencies.push(latency);
        if (timeline) {
          const slot = Math.max(0, Math.floor((sentAt - timeline.start) / timeline.bucketMs));
          if (!(latency <= (timeline.max[slot] ?? -Infinity))) timeline.max[slot] = latency;
        }
      }
      next++;
    }
  }
  return { delivered: next, expected, exactFrames, outOfOrder };
}
