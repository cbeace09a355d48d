/**
 * A WebSocket client that follows the contract as a browser would: connect to `/ws/jobs/{id}`,
 * take the snapshot, follow frames by `seq`, reconnect after `1001`, `1006`, `1013` or `4429` (to the
 * next web process when there are several), stop at the terminal state or a final refusal. On the way
 * it records every broken promise of the contract.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { parseProgressMessage } from '../../app/domain/progress-message.js';
import type { WatchResult } from './watch-result.js';

export interface WsWatchOptions {
  /** HTTP base URLs of the live web processes; asked again before every connection. */
  readonly urls: () => readonly string[];
  readonly token: string;
  readonly jobId: string;
  readonly deadline: number;
  /** How the token travels. @default 'subprotocol' */
  readonly auth?: 'subprotocol' | 'query';
  /** Called with each open socket (a test can pause it, or count it). */
  readonly onOpen?: (socket: WebSocket) => void;
}

/** Close codes after which a client connects again; 4401 and 4404 are final. */
const RECONNECT_CODES = new Set([1001, 1006, 1011, 1012, 1013, 4429]);
const TERMINAL = new Set(['succeeded', 'failed']);

export function wsUrl(httpBase: string, jobId: string): string {
  return `${httpBase.replace(/^http/, 'ws')}/ws/jobs/${jobId}`;
}

/** Opens one connection and resolves with its frames and close code. */
export function connectOnce(url: string, token: string, auth: 'subprotocol' | 'query', onOpen?: (s: WebSocket) => void):
  Promise<{ frames: string[]; code: number; opened: boolean; error?: string }> {
  return new Promise((resolve) => {
    const target = auth === 'query' ? `${url}?token=${encodeURIComponent(token)}` : url;
    const socket = new WebSocket(target, auth === 'subprotocol' ? ['bearer', token] : [], {
      perMessageDeflate: false, handshakeTimeout: 15_000,
    });
    const frames: string[] = [];
    let opened = false;
    let error: string | undefined;
    socket.on('open', () => {
      opened = true;
      onOpen?.(socket);
    });
    socket.on('message', (data) => frames.push(data.toString()));
    socket.on('error', (e) => { error = e.message; });
    socket.on('unexpected-response', (_request, response) => {
      error = `upgrade answered HTTP ${response.statusCode}`;
      response.resume();
      socket.terminate();
    });
    socket.on('close', (code) => resolve({ frames, code, opened, ...(error ? { error } : {}) }));
  });
}

export async function watchJob(options: WsWatchOptions): Promise<WatchResult> {
  const violations: string[] = [];
  const closeCodes: number[] = [];
  const connectErrors: string[] = [];
  const seen = new Map<number, string>();
  let lastSeq = -1;
  let frames = 0;
  let connections = 0;
  let delay = 100;
  const result = (terminalText: string | undefined): WatchResult => ({
    jobId: options.jobId, transport: 'websocket', terminalText,
    terminalStatus: terminalText ? (parseProgressMessage(terminalText)?.status as 'succeeded' | 'failed') : undefined,
    frames, connections, closeCodes, violations, connectErrors,
  });

  while (Date.now() < options.deadline) {
    const urls = options.urls();
    const base = urls[connections % Math.max(urls.length, 1)];
    if (!base) { await sleep(delay); continue; }
    connections++;
    const socket = await connectOnce(wsUrl(base, options.jobId), options.token, options.auth ?? 'subprotocol', options.onOpen);
    closeCodes.push(socket.code);
    if (!socket.opened && socket.error) connectErrors.push(socket.error.replace(/^.*?(E[A-Z]+|HTTP \d+|timed out|socket hang up).*$/, '$1').slice(0, 40));
    let terminalText: string | undefined;
    let connectionSeq = -1;
    for (const [index, text] of socket.frames.entries()) {
      frames++;
      const message = parseProgressMessage(text);
      if (!message || message.jobId !== options.jobId) { violations.push(`not a Progress message of this job: ${text.slice(0, 120)}`); continue; }
      if (index > 0 && message.seq <= connectionSeq) violations.push(`seq ${message.seq} after ${connectionSeq} on one connection`);
      if (index === 0 && message.seq < lastSeq) violations.push(`snapshot seq ${message.seq} is older than ${lastSeq} already seen`);
      if (terminalText !== undefined) violations.push(`frame seq ${message.seq} after the terminal state`);
      const earlier = seen.get(message.seq);
      if (earlier !== undefined && earlier !== text) violations.push(`seq ${message.seq} carried two different texts`);
      seen.set(message.seq, text);
      connectionSeq = message.seq;
      lastSeq = Math.max(lastSeq, message.seq);
      if (TERMINAL.has(message.status)) terminalText = text;
    }
    if (terminalText !== undefined) {
      // 1006 means the process died right after sending it; the state still arrived.
      if (socket.code !== 1000 && socket.code !== 1006) violations.push(`closed with ${socket.code} after the terminal state, expected 1000`);
      return result(terminalText);
    }
    if (socket.code === 4401 || socket.code === 4404) {
      violations.push(`refused with final close ${socket.code}${socket.error ? ` (${socket.error})` : ''}`);
      return result(undefined);
    }
    if (!RECONNECT_CODES.has(socket.code) && socket.opened) violations.push(`closed with ${socket.code} before the terminal state`);
    // Full jitter, as the page's backoff: thousands of clients must not reconnect in step.
    await sleep(Math.random() * delay);
    delay = Math.min(delay * 2, 2_000);
  }
  return result(undefined);
}
