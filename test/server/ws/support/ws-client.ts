/** A real `ws` client that records what a page would see: frames in order, then the close. */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';

export interface Watched {
  readonly socket: WebSocket;
  /** Frames received so far, as text. */
  readonly frames: string[];
  /** Resolves with the first frame. */
  readonly firstFrame: Promise<string>;
  /** Resolves when the connection closed, with what was received before. */
  readonly closed: Promise<{ code: number; reason: string; frames: string[] }>;
}

export interface WatchOptions extends ClientOptions {
  readonly token?: string;
  /** Subprotocols to offer, e.g. `['bearer', jwt]`. */
  readonly protocols?: string[];
}

/** The ws:// URL of a job on a server whose http:// URL is `baseUrl`. */
export function jobSocketUrl(baseUrl: string, jobId: string, token?: string): string {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws/jobs/${jobId}`;
  return token === undefined ? url : `${url}?token=${encodeURIComponent(token)}`;
}

/** Opens `/ws/jobs/{jobId}` and records everything. */
export function watchJob(baseUrl: string, jobId: string, options: WatchOptions = {}): Watched {
  const { token, protocols, ...clientOptions } = options;
  const socket = new WebSocket(jobSocketUrl(baseUrl, jobId, token), protocols ?? [], clientOptions);
  const frames: string[] = [];
  let gotFirst: (text: string) => void = () => undefined;
  const firstFrame = new Promise<string>((resolve) => {
    gotFirst = resolve;
  });
  // Text frames arrive as one Buffer (ws's default binaryType 'nodebuffer').
  socket.on('message', (data: Buffer) => {
    const text = data.toString();
    frames.push(text);
    if (frames.length === 1) gotFirst(text);
  });
  socket.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string; frames: string[] }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString(), frames }));
  });
  return { socket, frames, firstFrame, closed };
}

export const seqOfFrame = (text: string): number => (JSON.parse(text) as { seq: number }).seq;
export const statusOfFrame = (text: string): string => (JSON.parse(text) as { status: string }).status;

/** Asserts the contract's order rule: every frame has a larger `seq` than the one before. */
export function isStrictlyIncreasing(seqs: readonly number[]): boolean {
  return seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!);
}

/** Polls `check()` every 20 ms until it is true: for state that has no event to await (Redis, metrics). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends a WebSocket upgrade request by hand and reads the HTTP answer (for refusals before the upgrade). */
export async function rawUpgrade(
  baseUrl: string,
  path: string,
  headers: string[] = [],
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  socket.write(
    [
      `GET ${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${Buffer.from(randomUUID().slice(0, 16)).toString('base64')}`,
      ...headers,
      '',
      '',
    ].join('\r\n'),
  );
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  await new Promise((resolve) => socket.on('close', resolve));
  const text = Buffer.concat(chunks).toString();
  const [head, body = ''] = text.split('\r\n\r\n');
  return { status: Number(head!.split(' ')[1]), body };
}
