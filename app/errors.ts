/**
 * Every expected failure has a stable code. Its HTTP status and its WebSocket close code are mapped
 * here and nowhere else, so a route or the gateway only ever throws an {@link AppError}.
 */
import {
  CLOSE_INTERNAL_ERROR,
  CLOSE_NOT_FOUND,
  CLOSE_TOO_MANY_CONNECTIONS,
  CLOSE_TRY_AGAIN_LATER,
  CLOSE_UNAUTHORIZED,
} from './domain/wire-contract.js';

export const ERROR_CODES = {
  BAD_CSV: { http: 400 },
  EMPTY_FILE: { http: 400 },
  NO_DATA_ROWS: { http: 400 },
  BAD_REQUEST: { http: 400 },
  UNAUTHORIZED: { http: 401, ws: CLOSE_UNAUTHORIZED },
  NOT_FOUND: { http: 404, ws: CLOSE_NOT_FOUND },
  RESULT_NOT_READY: { http: 409 },
  PAYLOAD_TOO_LARGE: { http: 413 },
  UNSUPPORTED_MEDIA_TYPE: { http: 415 },
  TOO_MANY_ROWS: { http: 422 },
  RATE_LIMITED: { http: 429 },
  TOO_MANY_CONNECTIONS: { http: 429, ws: CLOSE_TOO_MANY_CONNECTIONS },
  DEPENDENCY_DOWN: { http: 503, ws: CLOSE_TRY_AGAIN_LATER },
  CAPACITY_EXCEEDED: { http: 503 },
  WEBSOCKET_DISABLED: { http: 503 },
  INTERNAL: { http: 500, ws: CLOSE_INTERNAL_ERROR },
} as const satisfies Record<string, { http: number; ws?: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected failure: `code` is stable (tests and clients match on it), `message` says what to do. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  /** The WebSocket close code for this failure (1011, internal error, when none is assigned). */
  get wsCloseCode(): number {
    const mapping: { http: number; ws?: number } = ERROR_CODES[this.code];
    return mapping.ws ?? CLOSE_INTERNAL_ERROR;
  }
}

/**
 * `CAPACITY_EXCEEDED`: the service has no room for an upload right now. The answer carries
 * `Retry-After: retryAfterSeconds`.
 */
export class CapacityExceeded extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('CAPACITY_EXCEEDED', message);
    this.name = 'CapacityExceeded';
  }
}

/** The JSON error body of the contract: `{"error": {"code", "message"}}`. */
export function errorBody(code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message } };
}
