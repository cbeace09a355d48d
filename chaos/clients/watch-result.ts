/** What a watching client (WebSocket or polling) saw of one job, and how it is judged. */
import type { CaseRecorder } from '../report/class-result.js';

export interface WatchResult {
  readonly jobId: string;
  readonly transport: 'websocket' | 'polling';
  /** The terminal Progress message text, when one arrived. */
  readonly terminalText: string | undefined;
  readonly terminalStatus: 'succeeded' | 'failed' | undefined;
  readonly frames: number;
  readonly connections: number;
  /** Close codes in order (WebSocket), e.g. [1001, 1000]. */
  readonly closeCodes: readonly number[];
  /** Broken promises of the contract seen on the way (reordering, a changed text for a seq, ...). */
  readonly violations: readonly string[];
  /** Why connections failed before or during the handshake (WebSocket), e.g. `ECONNRESET`. */
  readonly connectErrors?: readonly string[];
}

/**
 * One case per client: it passes when it received the terminal state and saw no violation.
 * Clients without the terminal state are counted as missing it.
 */
export function judgeWatchers(recorder: CaseRecorder, results: readonly WatchResult[]): void {
  recorder.missingClients(results.filter((r) => r.terminalText === undefined).length);
  for (const result of results) {
    const problems = [...result.violations];
    if (result.terminalText === undefined) {
      problems.unshift(
        `no terminal state after ${result.frames} frame(s), ${result.connections} connection(s), closes [${result.closeCodes.join(',')}]`,
      );
    }
    recorder.check(
      `${result.transport} client of job ${result.jobId}`,
      problems.length === 0 ? undefined : problems.join('; '),
    );
  }
}

/** One line for the report: clients, connections, and how connections ended. */
export function summarizeWatchers(results: readonly WatchResult[]): string {
  const ws = results.filter((r) => r.transport === 'websocket');
  const polling = results.length - ws.length;
  const codes = new Map<number, number>();
  for (const result of ws) for (const code of result.closeCodes) codes.set(code, (codes.get(code) ?? 0) + 1);
  const connections = ws.reduce((sum, r) => sum + r.connections, 0);
  const closes = [...codes.entries()]
    .sort(([a], [b]) => a - b)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  const errors = new Map<string, number>();
  for (const result of ws)
    for (const error of result.connectErrors ?? []) errors.set(error, (errors.get(error) ?? 0) + 1);
  const errorText =
    errors.size === 0 ? '' : `; connect errors ${[...errors.entries()].map(([e, n]) => `${e}×${n}`).join(', ')}`;
  return `${ws.length} WebSocket clients (${connections} connections; closes ${closes || 'none'}${errorText}), ${polling} polling clients`;
}
