/**
 * Opens a job's WebSocket the way the page does (subprotocol pair `bearer`, `<jwt>`) and records
 * everything until it ends: frames, close code, or an upgrade refusal with its HTTP answer.
 */
import WebSocket from 'ws';
import { BEARER_SUBPROTOCOL } from '../../../app/domain/wire-contract.js';

export type SocketOutcome =
  | {
      readonly kind: 'closed';
      readonly protocol: string;
      readonly frames: readonly string[];
      readonly code: number;
      readonly reason: string;
    }
  | { readonly kind: 'refused'; readonly status: number; readonly body: string }
  | { readonly kind: 'error'; readonly message: string; readonly frames: readonly string[] }
  | { readonly kind: 'timeout'; readonly frames: readonly string[] };

/**
 * Watches `url` until the server closes it, refuses the upgrade, errors, or `timeoutMs` passes.
 * `origin` sends an `Origin` header, as a browser page on that origin would.
 */
export function watchSocket(url: string, token: string, timeoutMs: number, origin?: string): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    const frames: string[] = [];
    let settled = false;
    const socket = new WebSocket(url, [BEARER_SUBPROTOCOL, token], {
      handshakeTimeout: Math.min(timeoutMs, 10_000),
      ...(origin === undefined ? {} : { origin }),
    });
    const finish = (outcome: SocketOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', frames }), timeoutMs);

    socket.on('message', (data: Buffer) => frames.push(data.toString()));
    socket.on('close', (code, reason) =>
      finish({ kind: 'closed', protocol: socket.protocol, frames, code, reason: reason.toString() }),
    );
    socket.on('error', (error) => finish({ kind: 'error', message: error.message, frames }));
    // With this listener ws leaves the refused handshake to us: read the answer, then let go.
    socket.on('unexpected-response', (req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        finish({ kind: 'refused', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
      res.on('error', () => finish({ kind: 'refused', status: res.statusCode ?? 0, body: '' }));
    });
  });
}
