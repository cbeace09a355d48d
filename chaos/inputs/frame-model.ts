/**
 * What a server that follows RFC 6455 (with a 4 KiB message limit and no extensions) does with one
 * frame a client sends first: keep the connection, answer a ping, echo a close, or close with a
 * protocol error. Pure; the WebSocket input class checks the server against it.
 */
import fc from 'fast-check';
import type { RawFrame } from '../clients/raw-websocket.js';
import {
  CLOSE_INVALID_PAYLOAD,
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_NO_STATUS,
  CLOSE_NORMAL,
  CLOSE_PROTOCOL_ERROR,
} from '../../app/domain/wire-contract.js';

/** The gateway's limit on what a client may send (MAX_CLIENT_PAYLOAD). */
export const CLIENT_PAYLOAD_LIMIT = 4 * 1024;

export type FrameVerdict =
  { readonly kind: 'open' } | { readonly kind: 'pong' } | { readonly kind: 'close'; readonly codes: readonly number[] };

const PROTOCOL_ERROR = {
  kind: 'close',
  codes: [CLOSE_PROTOCOL_ERROR, CLOSE_INVALID_PAYLOAD, CLOSE_MESSAGE_TOO_BIG],
} as const;

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Close codes a peer may send (RFC 6455 §7.4). */
function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

export function expectedVerdict(frame: RawFrame): FrameVerdict {
  const control = frame.opcode >= 0x8;
  if (![0x0, 0x1, 0x2, 0x8, 0x9, 0xa].includes(frame.opcode) || frame.rsv !== 0 || !frame.masked) return PROTOCOL_ERROR;
  if (control && (!frame.fin || frame.payload.length > 125)) return PROTOCOL_ERROR;
  if (frame.opcode === 0x0) return PROTOCOL_ERROR; // a continuation with nothing to continue
  if (!control && frame.payload.length > CLIENT_PAYLOAD_LIMIT) return { kind: 'close', codes: [CLOSE_MESSAGE_TOO_BIG] };
  if (frame.opcode === 0x1 && frame.fin && !isValidUtf8(frame.payload))
    return { kind: 'close', codes: [CLOSE_INVALID_PAYLOAD] };
  if (frame.opcode === 0x9) return { kind: 'pong' };
  if (frame.opcode === 0x8) {
    if (frame.payload.length === 0) return { kind: 'close', codes: [CLOSE_NO_STATUS, CLOSE_NORMAL] };
    if (frame.payload.length === 1) return PROTOCOL_ERROR;
    const code = frame.payload.readUInt16BE(0);
    if (!isSendableCloseCode(code)) return PROTOCOL_ERROR;
    if (!isValidUtf8(frame.payload.subarray(2))) return { kind: 'close', codes: [CLOSE_INVALID_PAYLOAD] };
    return { kind: 'close', codes: [code] };
  }
  return { kind: 'open' };
}

/** Frames of every kind, valid ones often enough to exercise the "stays open" side. */
export function frameArbitrary(): fc.Arbitrary<RawFrame> {
  const payload = fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }).map((s) => new TextEncoder().encode(s)) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: CLIENT_PAYLOAD_LIMIT - 2, max: CLIENT_PAYLOAD_LIMIT * 3 })
        .map((n) => new Uint8Array(n).fill(0x61)),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.string({ maxLength: 20 })).map(([code, reason]) => {
        const body = Buffer.alloc(2 + Buffer.byteLength(reason));
        body.writeUInt16BE(code, 0);
        body.write(reason, 2);
        return new Uint8Array(body);
      }),
    },
  );
  return fc.record({
    fin: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    rsv: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
    opcode: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(0x1, 0x2, 0x8, 0x9, 0xa) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) },
    ),
    masked: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    payload: payload.map((bytes) => Buffer.from(bytes)),
  });
}
