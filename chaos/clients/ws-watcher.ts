/**
 * A WebSocket client that follows the contract as a browser would: connect to `/ws/jobs/{id}`,
 * take the snapshot, follow frames by `seq`, reconnect after the contract's reconnect codes (to the
 * next web process when there are several), stop at the terminal state or a final refusal. On the way
 * it records every broken promise of the contract.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { backoffDelay } from '../../app/client/backoff.js';
import { parseProgressMessage } from '../../app/domain/progress-message.js';
import {
  BEARER_SUBPROTOCOL,
  CLOSE_ABNORMAL,
  CLOSE_INTERNAL_ERROR,
  CLOSE_NORMAL,
  CLOSE_SERVICE_RESTART,
  closeAction,
  RECONNECT_CLOSE_CODES,
} from '../../app/domain/wire-contract.js';
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

/**
 * Close codes that may end a connection before the terminal state without breaking the contract:
 * the contract's reconnect codes, an internal error, and a restart (a proxy in front may send it).
 */
const RECONNECT_CODES = new Set([...RECONNECT_CLOSE_CODES, CLOSE_INTERNAL_ERROR, CLOSE_SERVICE_RESTART]);
/** Faster than the page's policy: the harness has a deadline and few clients per job. */
const RECONNECT_BACKOFF = { baseMs: 100, capMs: 2_000 } as const;
const TERMINAL = new Set(['succeeded', 'failed']);

export function wsUrl(httpBase: string, jobId: string): string {
  return `${httpBase.replace(/^http/, 'ws')}/ws/jobs/${jobId}`;
}

/** Opens one connection and resolves with its frames and close code. */
export function connectOnce(
  url: string,
  token: string,
  auth: 'subprotocol' | 'query',
  onOpen?: (s: WebSocket) => void,
): Promise<{ frames: string[]; code: number; opened: boolean; error?: string }> {
  return new Promise((resolve) => {
    const target = auth === 'query' ? `${url}?token=${encodeURIComponent(token)}` : url;
    const socket = new WebSocket(target, auth === 'subprotocol' ? [BEARER_SUBPROTOCOL, token] : [], {
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
    });
    const frames: string[] = [];
    let opened = false;
    let error: string | undefined;
    socket.on('open', () => {
      opened = true;
      onOpen?.(socket);
    });
    // With ws's default binaryType ('nodebuffer') every message arrives as one Buffer.
    socket.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
    socket.on('error', (e) => {
      error = e.message;
    });
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
  let retries = 0;
  const result = (terminalText: string | undefined): WatchResult => ({
    jobId: options.jobId,
    transport: 'websocket',
    terminalText,
    terminalStatus: terminalText ? (parseProgressMessage(terminalText)?.status as 'succeeded' | 'failed') : undefined,
    frames,
    connections,
    closeCodes,
    violations,
    connectErrors,
  });

  while (Date.now() < options.deadline) {
    const urls = options.urls();
    const base = urls[connections % Math.max(urls.length, 1)];
    if (!base) {
      await sleep(RECONNECT_BACKOFF.baseMs);
      continue;
    }
    connections++;
    const socket = await connectOnce(
      wsUrl(base, options.jobId),
      options.token,
      options.auth ?? 'subprotocol',
      options.onOpen,
    );
    closeCodes.push(socket.code);
    if (!socket.opened && socket.error)
      connectErrors.push(socket.error.replace(/^.*?(E[A-Z]+|HTTP \d+|timed out|socket hang up).*$/, '$1').slice(0, 40));
    let terminalText: string | undefined;
    let connectionSeq = -1;
    for (const [index, text] of socket.frames.entries()) {
      frames++;
      const message = parseProgressMessage(text);
      if (!message || message.jobId !== options.jobId) {
        violations.push(`not a Progress message of this job: ${text.slice(0, 120)}`);
        continue;
      }
      if (index > 0 && message.seq <= connectionSeq)
        violations.push(`seq ${message.seq} after ${connectionSeq} on one connection`);
      if (index === 0 && message.seq < lastSeq)
        violations.push(`snapshot seq ${message.seq} is older than ${lastSeq} already seen`);
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
      if (socket.code !== CLOSE_NORMAL && socket.code !== CLOSE_ABNORMAL)
        violations.push(`closed with ${socket.code} after the terminal state, expected ${CLOSE_NORMAL}`);
      return result(terminalText);
    }
    if (closeAction(socket.code) === 'final') {
      violations.push(`refused with final close ${socket.code}${socket.error ? ` (${socket.error})` : ''}`);
      return result(undefined);
    }
    if (!RECONNECT_CODES.has(socket.code) && socket.opened)
      violations.push(`closed with ${socket.code} before the terminal state`);
    // Full jitter, as the page's backoff: thousands of clients must not reconnect in step.
    await sleep(backoffDelay(retries++, Math.random, RECONNECT_BACKOFF));
  }
  return result(undefined);
}
