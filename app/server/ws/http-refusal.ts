/**
 * Answers an upgrade request with a plain HTTP error (the contract's JSON body) on the raw socket,
 * for the two cases refused before the upgrade: an unknown path (`404`) and WebSocket turned off
 * (`503 WEBSOCKET_DISABLED`).
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody, type AppError } from '../../errors.js';

export function refuseUpgrade(socket: Duplex, error: AppError): void {
  const body = JSON.stringify(errorBody(error.code, error.message));
  const status = error.httpStatus;
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
  ];
  // A client that resets before reading its refusal needs nothing more; the socket is destroyed anyway.
  socket.on('error', () => undefined);
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
