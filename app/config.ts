/**
 * The only reader of `process.env` for the web server and the worker. Every variable is parsed
 * against one schema; a bad or missing value does not stop at the first problem: all of them are
 * collected into one {@link ConfigError} so an operator fixes the deployment in one go.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** 0 picks a free port (tests). @default 8080 */
  readonly port: number;
  /** @default '0.0.0.0' */
  readonly host: string;
  /** @default 'redis://127.0.0.1:6379' */
  readonly redisUrl: string;
  /** HS256 secret that signs user tokens. Required. */
  readonly jwtSecret: string;
  /** @default true */
  readonly enableWebsocket: boolean;
  /** @default 'info' */
  readonly logLevel: LogLevel;
  /** Worker: pause after each row. @default 0 */
  readonly rowDelayMs: number;
  /** Worker: the longest one attempt of a job may run. @default 900000 */
  readonly jobTimeoutMs: number;
  /** Worker: at most one progress publish per interval (plus the final state). @default 100 */
  readonly progressIntervalMs: number;
  /** Worker: a dead worker's job is picked up again after this lock expires. @default 30000 */
  readonly workerLockMs: number;
  /** Largest accepted upload in bytes. @default 10485760 (10 MiB) */
  readonly maxUploadBytes: number;
  /** Most data rows accepted in one CSV. @default 50000 */
  readonly maxRows: number;
  /** Uploads one user may start per minute. @default 30 */
  readonly uploadsPerMinute: number;
  /** WebSocket ping interval. @default 25000 */
  readonly wsPingIntervalMs: number;
  /** Open WebSockets allowed per user before `4429`. @default 20 */
  readonly wsMaxConnectionsPerUser: number;
  /** Browser origins allowed to open WebSockets; empty allows any. @default [] */
  readonly allowedOrigins: readonly string[];
  /** A WebSocket with more unsent bytes than this gets only the newest state (coalescing). @default 65536 */
  readonly wsBufferLimitBytes: number;
  /** A WebSocket that stays over the buffer limit this long is closed with `1013`. @default 30000 */
  readonly wsSlowConsumerTimeoutMs: number;
  /** On shutdown, WebSocket closes (`1001`) are spread over this window. @default 2000 */
  readonly wsDrainWindowMs: number;
  /** Web: the longest a SIGTERM drain may take before the process exits. @default 10000 */
  readonly shutdownTimeoutMs: number;
  /**
   * A finished job (record, result, index entry) expires this long after it ended; queued and
   * running jobs never expire. @default 604800 (7 days)
   */
  readonly jobRetentionSeconds: number;
  /**
   * Worker: jobs run at once. The default is what the manifests' worker pod fits (infra/k8s/sizing.ts).
   * @default 2
   */
  readonly workerConcurrency: number;
  /**
   * Worker: how long a result piece may wait for Redis to accept it (out of memory, read-only)
   * before the job ends `failed`. @default 60000
   */
  readonly storageWaitMs: number;
  /**
   * Web: jobs queued or running at once (all users); more uploads answer `503 CAPACITY_EXCEEDED`.
   * Storage is bounded by admission anyway; this bounds the wait in the queue (and the admission
   * script's walk over open jobs). @default 1000
   */
  readonly maxOpenJobs: number;
  /**
   * Web: uploads one process receives at once; more answer `503 CAPACITY_EXCEEDED`. Bounds the web
   * pod's memory (infra/k8s/sizing.ts). @default 8
   */
  readonly uploadConcurrency: number;
}

/** The default of `WORKER_CONCURRENCY`: what the default worker pod fits (test/infra/k8s/sizing.test.ts checks). */
export const DEFAULT_WORKER_CONCURRENCY = 2;

/** Thrown by {@link loadConfig}; `problems` names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}. Fix these environment variables and start again.`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;
/** A parser answers the value, or a sentence fragment saying what is wrong with the raw text. */
type Parsed<T> = { readonly value: T } | { readonly problem: string };
type Parser<T> = (raw: string) => Parsed<T>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> {
  return (raw) => {
    if (!/^\d+$/.test(raw.trim())) return { problem: `must be a whole number, got "${raw}"` };
    const value = Number(raw.trim());
    if (value < min || value > max) return { problem: `must be between ${min} and ${max}, got ${value}` };
    return { value };
  };
}

const boolean: Parser<boolean> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1') return { value: true };
  if (value === 'false' || value === '0') return { value: false };
  return { problem: `must be "true" or "false", got "${raw}"` };
};

const redisUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'must be a URL like redis://host:6379' };
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return { problem: 'must start with redis:// or rediss://' };
  return { value: raw };
};

const logLevel: Parser<LogLevel> = (raw) =>
  (LOG_LEVELS as readonly string[]).includes(raw)
    ? { value: raw as LogLevel }
    : { problem: `must be one of ${LOG_LEVELS.join(', ')}` };

const origins: Parser<readonly string[]> = (raw) => ({
  value: raw.split(',').map((o) => o.trim()).filter((o) => o.length > 0),
});

const text: Parser<string> = (raw) => ({ value: raw });

/**
 * Parses the environment. Pure: pass `process.env` (or a test's object); returns a frozen config or
 * throws a {@link ConfigError} listing every problem.
 */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const read = <T>(name: string, parse: Parser<T>, fallback: T | undefined): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (fallback === undefined) problems.push(`${name} is required`);
      return fallback as T;
    }
    const parsed = parse(raw);
    if ('problem' in parsed) {
      problems.push(`${name} ${parsed.problem}`);
      return fallback as T;
    }
    return parsed.value;
  };

  const config: Config = {
    port: read('PORT', integer(0, 65535), 8080),
    host: read('HOST', text, '0.0.0.0'),
    redisUrl: read('REDIS_URL', redisUrl, 'redis://127.0.0.1:6379'),
    jwtSecret: read('JWT_SECRET', text, undefined),
    enableWebsocket: read('ENABLE_WEBSOCKET', boolean, true),
    logLevel: read('LOG_LEVEL', logLevel, 'info'),
    rowDelayMs: read('ROW_DELAY_MS', integer(0, 60_000), 0),
    jobTimeoutMs: read('JOB_TIMEOUT_MS', integer(1), 900_000),
    progressIntervalMs: read('PROGRESS_INTERVAL_MS', integer(0, 60_000), 100),
    workerLockMs: read('WORKER_LOCK_MS', integer(1_000, 600_000), 30_000),
    maxUploadBytes: read('MAX_UPLOAD_BYTES', integer(1), 10 * 1024 * 1024),
    maxRows: read('MAX_ROWS', integer(1), 50_000),
    uploadsPerMinute: read('UPLOADS_PER_MINUTE', integer(1), 30),
    wsPingIntervalMs: read('WS_PING_INTERVAL_MS', integer(100), 25_000),
    wsMaxConnectionsPerUser: read('WS_MAX_CONNECTIONS_PER_USER', integer(1), 20),
    allowedOrigins: read('ALLOWED_ORIGINS', origins, []),
    wsBufferLimitBytes: read('WS_BUFFER_LIMIT_BYTES', integer(1_024, 64 * 1024 * 1024), 64 * 1024),
    wsSlowConsumerTimeoutMs: read('WS_SLOW_CONSUMER_TIMEOUT_MS', integer(100), 30_000),
    wsDrainWindowMs: read('WS_DRAIN_WINDOW_MS', integer(0, 60_000), 2_000),
    shutdownTimeoutMs: read('SHUTDOWN_TIMEOUT_MS', integer(100), 10_000),
    jobRetentionSeconds: read('JOB_RETENTION_SECONDS', integer(1), 604_800),
    workerConcurrency: read('WORKER_CONCURRENCY', integer(1, 64), DEFAULT_WORKER_CONCURRENCY),
    storageWaitMs: read('STORAGE_WAIT_MS', integer(0), 60_000),
    maxOpenJobs: read('MAX_OPEN_JOBS', integer(1), 1_000),
    uploadConcurrency: read('UPLOAD_CONCURRENCY', integer(1, 1_000), 8),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
