/**
 * A WebSocket client at the byte level, for what a well-behaved library will not send: unmasked
 * frames, reserved opcodes and bits, oversize and lying lengths, broken UTF-8, half-sent upgrades.
 * It speaks just enough RFC 6455 to read the server's frames and its close code.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { CLOSE_NO_STATUS } from '../../app/domain/wire-contract.js';

export interface RawFrame {
  readonly fin: boolean;
  /** RSV1..RSV3 as a 3-bit number. */
  readonly rsv: number;
  readonly opcode: number;
  readonly masked: boolean;
  readonly payload: Buffer;
}

export interface ServerFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Encodes one frame exactly as described (no validation: that is the point). */
export function encodeFrame(frame: RawFrame): Buffer {
  const length = frame.payload.length;
  const head: number[] = [(frame.fin ? 0x80 : 0) | ((frame.rsv & 7) << 4) | (frame.opcode & 0x0f)];
  const maskBit = frame.masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    head.push(...big);
  }
  if (!frame.masked) return Buffer.concat([Buffer.from(head), frame.payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(frame.payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([Buffer.from(head), mask, body]);
}

/** A frame header that announces `length` payload bytes and sends none of them. */
export function lyingHeader(opcode: number, length: bigint): Buffer {
  const head = Buffer.alloc(14);
  head[0] = 0x80 | opcode;
  head[1] = 0x80 | 127;
  head.writeBigUInt64BE(length, 2);
  randomBytes(4).copy(head, 10);
  return head;
}

export interface RawConnection {
  readonly socket: Socket;
  /** The HTTP status of the upgrade answer (101 when it was accepted). */
  readonly status: number;
  /** The head of the HTTP answer (status line and headers). */
  readonly head: string;
  /** The body after the head when the upgrade was refused. */
  body(): string;
  /** Frames the server sent so far. */
  readonly frames: ServerFrame[];
  /** Resolves with the close code of the server's close frame (1005 when it had none), or 'ended'. */
  readonly closed: Promise<number | 'ended'>;
  send(bytes: Buffer): void;
  destroy(): void;
}

export interface RawUpgradeOptions {
  readonly method?: string;
  /** Extra or replacing headers; `null` removes a default header. */
  readonly headers?: Record<string, string | null>;
  readonly timeoutMs?: number;
}

/** Sends an upgrade request to `path` and reads the answer's head. */
export function rawUpgrade(baseUrl: string, path: string, options: RawUpgradeOptions = {}): Promise<RawConnection> {
  const url = new URL(baseUrl);
  const defaults: Record<string, string> = {
    Host: url.host,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
  };
  const headers = { ...defaults, ...options.headers };
  const lines = [
    `${options.method ?? 'GET'} ${path} HTTP/1.1`,
    ...Object.entries(headers)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.setTimeout(options.timeoutMs ?? 15_000, () =>
      socket.destroy(new Error(`no answer to the upgrade of ${path.slice(0, 60)}`)),
    );
    let buffer = Buffer.alloc(0);
    let headDone = false;
    const frames: ServerFrame[] = [];
    let resolveClosed: (code: number | 'ended') => void = () => undefined;
    const closed = new Promise<number | 'ended'>((r) => {
      resolveClosed = r;
    });
    let status = 0;
    let head = '';
    let refusedBody = '';
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!headDone) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = buffer.subarray(0, end).toString('latin1');
        status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
        buffer = buffer.subarray(end + 4);
        headDone = true;
        socket.setTimeout(0);
        resolve({
          socket,
          status,
          head,
          body: () => refusedBody,
          frames,
          closed,
          send: (b) => {
            if (!socket.destroyed) socket.write(b);
          },
          destroy: () => socket.destroy(),
        });
      }
      if (status !== 101) {
        refusedBody += buffer.toString('utf8');
        buffer = Buffer.alloc(0);
        return;
      }
      for (;;) {
        const parsed = readFrame(buffer);
        if (!parsed) break;
        buffer = buffer.subarray(parsed.size);
        frames.push(parsed.frame);
        if (parsed.frame.opcode === 0x8) {
          resolveClosed(parsed.frame.payload.length >= 2 ? parsed.frame.payload.readUInt16BE(0) : CLOSE_NO_STATUS);
          socket.end();
        }
      }
    });
    socket.on('error', (error) => {
      if (!headDone) reject(error);
      resolveClosed('ended');
    });
    socket.on('close', () => {
      if (!headDone) reject(new Error('connection closed before an answer'));
      resolveClosed('ended');
    });
  });
}

function readFrame(buffer: Buffer): { frame: ServerFrame; size: number } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = buffer[0]! & 0x0f;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return undefined;
  return { frame: { opcode, payload: buffer.subarray(offset, offset + length) }, size: offset + length };
}

/** Resolves with the close code, or 'open' when the server neither closed nor ended within `ms`. */
export function closeWithin(connection: RawConnection, ms: number): Promise<number | 'ended' | 'open'> {
  return Promise.race([connection.closed, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms))]);
}
