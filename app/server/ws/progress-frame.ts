/**
 * A Progress message as the WebSocket side carries it: the exact bytes Redis delivered (or the store
 * holds), read once per message, shared by every socket it goes to. Nothing is re-serialized, so a
 * frame is byte-identical to the Redis message and to `GET /jobs/{id}/progress` of the same `seq`.
 */
import { seqOf } from '../../domain/progress-message.js';

export interface ProgressFrame {
  /** The message bytes, sent as a text frame unchanged. */
  readonly data: Buffer;
  readonly seq: number;
  /** `succeeded` or `failed`: the last frame of a connection, never coalesced away. */
  readonly terminal: boolean;
  /** The message's `at` in epoch ms (`NaN` when missing), for the delivery latency histogram. */
  readonly atMs: number;
}

// The store writes the fields in the contract's order: `status` comes before the free-text `error`,
// and `at` is last. Inside a JSON string a quote is escaped, so these patterns cannot match there.
const TERMINAL_STATUS = /"status":"(?:succeeded|failed)"/;
const AT_FIELD = '"at":"';

/** Reads a message once; answers `undefined` for text that carries no `seq` (not a Progress message). */
export function frameOf(message: Buffer | string): ProgressFrame | undefined {
  const text = typeof message === 'string' ? message : message.toString('utf8');
  const seq = seqOf(text);
  if (seq < 0) return undefined;
  const at = text.lastIndexOf(AT_FIELD);
  const atMs =
    at < 0 ? Number.NaN : Date.parse(text.slice(at + AT_FIELD.length, text.indexOf('"', at + AT_FIELD.length)));
  return {
    data: typeof message === 'string' ? Buffer.from(message, 'utf8') : message,
    seq,
    terminal: TERMINAL_STATUS.test(text),
    atMs,
  };
}
