/** The web server's pino options: JSON lines, URL tokens redacted, no headers logged. */
import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config.js';
import { redactUrl } from './redact.js';

interface LoggedRequest {
  method: string;
  url: string;
  ip?: string;
}

export function loggerOptions(level: LogLevel): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    // Headers (Authorization, Sec-WebSocket-Protocol) carry tokens: only these fields are logged.
    serializers: {
      req: (request: LoggedRequest) => ({ method: request.method, url: redactUrl(request.url), ip: request.ip }),
    },
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'token'], censor: '[REDACTED]' },
  };
}
