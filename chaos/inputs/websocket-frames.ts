/**
 * What a client sends on the WebSocket: small text and binary frames are ignored (the connection
 * keeps delivering), pings are answered, oversize messages close `1009`, broken UTF-8 `1007`, every
 * other protocol error `1002`; a client close is echoed. Each case is a fresh connection to a running
 * job, checked against the RFC model in `frame-model.ts`.
 */
import {
  encodeFrame,
  lyingHeader,
  rawUpgrade,
  closeWithin,
  type RawConnection,
  type RawFrame,
} from '../clients/raw-websocket.js';
import type { CaseRecorder } from '../report/class-result.js';
import type { ChaosStack } from '../stack/chaos-stack.js';
import type { Profile } from '../profile.js';
import { checkProperty } from './property.js';
import { CLIENT_PAYLOAD_LIMIT, expectedVerdict, frameArbitrary } from './frame-model.js';
import {
  CLOSE_INVALID_PAYLOAD,
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_NORMAL,
  CLOSE_PROTOCOL_ERROR,
} from '../../app/domain/wire-contract.js';

/** Opens a connection to `jobId` and waits for the snapshot frame. */
export async function openJobSocket(stack: ChaosStack, jobId: string, token: string): Promise<RawConnection> {
  const connection = await rawUpgrade(stack.url, `/ws/jobs/${jobId}`, {
    headers: { 'Sec-WebSocket-Protocol': `bearer, ${token}` },
  });
  if (connection.status !== 101) throw new Error(`upgrade answered ${connection.status}`);
  const deadline = Date.now() + 10_000;
  while (connection.frames.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  if (connection.frames.length === 0) throw new Error('no snapshot frame');
  return connection;
}

/** Still open means it answers a ping with a pong carrying the same payload. */
async function answersPing(connection: RawConnection): Promise<boolean> {
  const before = connection.frames.length;
  const marker = Buffer.from(`alive-${Math.random()}`);
  connection.send(encodeFrame({ fin: true, rsv: 0, opcode: 0x9, masked: true, payload: marker }));
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (connection.frames.slice(before).some((f) => f.opcode === 0xa && f.payload.equals(marker))) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

/** Sends `bytes` after the snapshot and checks the outcome against `expected`. */
async function sendAndJudge(
  stack: ChaosStack,
  jobId: string,
  token: string,
  bytes: Buffer,
  frame: RawFrame | undefined,
  expected: ReturnType<typeof expectedVerdict>,
): Promise<string | undefined> {
  const connection = await openJobSocket(stack, jobId, token);
  try {
    connection.send(bytes);
    if (expected.kind === 'close') {
      const code = await closeWithin(connection, 5_000);
      return typeof code === 'number' && expected.codes.includes(code)
        ? undefined
        : `closed with ${code}, expected ${expected.codes.join(' or ')}`;
    }
    if (expected.kind === 'pong') {
      const payload = frame?.payload ?? Buffer.alloc(0);
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && !connection.frames.some((f) => f.opcode === 0xa && f.payload.equals(payload))) {
        await new Promise((r) => setTimeout(r, 5));
      }
      if (!connection.frames.some((f) => f.opcode === 0xa && f.payload.equals(payload))) return 'no pong for the ping';
    }
    const early = await closeWithin(connection, 200);
    if (early !== 'open') return `closed with ${early}, expected the connection to stay open`;
    return (await answersPing(connection)) ? undefined : 'the connection stopped answering';
  } finally {
    connection.destroy();
  }
}

export async function checkClientFrames(
  stack: ChaosStack,
  recorder: CaseRecorder,
  profile: Profile,
  jobId: string,
  token: string,
): Promise<void> {
  const text = (s: string | Buffer, fin = true): RawFrame => ({
    fin,
    rsv: 0,
    opcode: 0x1,
    masked: true,
    payload: Buffer.from(s),
  });
  const fixed: [string, Buffer, RawFrame | undefined, ReturnType<typeof expectedVerdict>][] = [
    ['a small text frame is ignored', encodeFrame(text('hello')), undefined, { kind: 'open' }],
    [
      'a small binary frame is ignored',
      encodeFrame({ ...text('\u0000\u0001'), opcode: 0x2 }),
      undefined,
      { kind: 'open' },
    ],
    [
      `a ${CLIENT_PAYLOAD_LIMIT + 1}-byte text frame closes ${CLOSE_MESSAGE_TOO_BIG}`,
      encodeFrame(text('x'.repeat(CLIENT_PAYLOAD_LIMIT + 1))),
      undefined,
      { kind: 'close', codes: [CLOSE_MESSAGE_TOO_BIG] },
    ],
    [
      `a 1 MiB binary frame closes ${CLOSE_MESSAGE_TOO_BIG}`,
      encodeFrame({ ...text(Buffer.alloc(1024 * 1024)), opcode: 0x2 }),
      undefined,
      { kind: 'close', codes: [CLOSE_MESSAGE_TOO_BIG] },
    ],
    [
      `a header announcing 2^53 bytes closes ${CLOSE_MESSAGE_TOO_BIG}`,
      lyingHeader(0x2, 2n ** 53n),
      undefined,
      { kind: 'close', codes: [CLOSE_MESSAGE_TOO_BIG, CLOSE_PROTOCOL_ERROR] },
    ],
    [
      `fragments adding up past the limit close ${CLOSE_MESSAGE_TOO_BIG}`,
      Buffer.concat([
        encodeFrame(text('a'.repeat(3_000), false)),
        encodeFrame({ ...text('b'.repeat(3_000)), opcode: 0x0 }),
      ]),
      undefined,
      { kind: 'close', codes: [CLOSE_MESSAGE_TOO_BIG] },
    ],
    [
      `broken UTF-8 in a text frame closes ${CLOSE_INVALID_PAYLOAD}`,
      encodeFrame(text(Buffer.from([0xc3, 0x28]))),
      undefined,
      { kind: 'close', codes: [CLOSE_INVALID_PAYLOAD] },
    ],
    [
      `an unmasked frame closes ${CLOSE_PROTOCOL_ERROR}`,
      encodeFrame({ ...text('x'), masked: false }),
      undefined,
      { kind: 'close', codes: [CLOSE_PROTOCOL_ERROR] },
    ],
    [
      `a reserved opcode closes ${CLOSE_PROTOCOL_ERROR}`,
      encodeFrame({ ...text('x'), opcode: 0x3 }),
      undefined,
      { kind: 'close', codes: [CLOSE_PROTOCOL_ERROR] },
    ],
    [
      `RSV1 without an extension closes ${CLOSE_PROTOCOL_ERROR}`,
      encodeFrame({ ...text('x'), rsv: 4 }),
      undefined,
      { kind: 'close', codes: [CLOSE_PROTOCOL_ERROR] },
    ],
    [
      `a continuation with no message closes ${CLOSE_PROTOCOL_ERROR}`,
      encodeFrame({ ...text('x'), opcode: 0x0 }),
      undefined,
      { kind: 'close', codes: [CLOSE_PROTOCOL_ERROR] },
    ],
    ['a ping is answered', encodeFrame({ ...text('p'), opcode: 0x9 }), text('p'), { kind: 'pong' }],
    [
      `a client close ${CLOSE_NORMAL} is echoed`,
      encodeFrame({ ...text(Buffer.from([0x03, 0xe8])), opcode: 0x8 }),
      undefined,
      { kind: 'close', codes: [CLOSE_NORMAL] },
    ],
  ];
  for (const [name, bytes, frame, expected] of fixed)
    recorder.check(name, await sendAndJudge(stack, jobId, token, bytes, frame, expected));

  await checkProperty(
    recorder,
    'random client frames get the RFC 6455 answer',
    frameArbitrary(),
    async (frame) => sendAndJudge(stack, jobId, token, encodeFrame(frame), frame, expectedVerdict(frame)),
    profile,
  );
}
