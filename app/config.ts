/**
 * The configuration schema of the web server and the worker, and every default in one place. Pure:
 * the environment is passed in (`config-from-env.ts` is the one place that reads `process.env`).
 * A bad or missing value does not stop at the first problem: all of them are collected into one
 * {@link ConfigError} so an operator fixes the deployment in one go.
 */

/** pino's levels, which `LOG_LEVEL` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** 0 picks a free port (tests). @default 8080 */
  readonly port: number;
  /** @default '0.0.0.0' */
  readonly host: string;
  /** @default 'redis://127.0.0.1:6379' */
  readonly redisUrl: string;
  /**
   * PEM file of the CA(s) that sign the Redis server's certificate, for a `rediss://` URL (Memorystore
   * with transit encryption: the instance's `serverCaCerts`). Every Redis connection of the process
   * verifies the server against it. Unset: Node's public CA list. @default undefined
   */
  readonly redisTlsCaFile: string | undefined;
  /** HS256 secret that signs user tokens, at least {@link MIN_JWT_SECRET_BYTES} bytes. Required. */
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
  /** Open WebSockets allowed per user before `4429`, counted across every web process. @default 20 */
  readonly wsMaxConnectionsPerUser: number;
  /**
   * How long a web process' WebSocket slots keep counting towards the per-user cap after it stopped
   * renewing them (it died without closing its sockets); it renews every third of this. @default 15000
   */
  readonly wsSlotLeaseMs: number;
  /**
   * Browser origins (`https://app.example.com`) allowed to call the API across origins (CORS) and to
   * open WebSockets. Empty: same origin only (the server's own page). @default []
   */
  readonly allowedOrigins: readonly string[];
  /**
   * Which peers' `X-Forwarded-For`/`X-Forwarded-Proto` are believed (fastify's `trustProxy`): `false`
   * (none: the socket's own address and scheme), `true` (every hop), or addresses/CIDRs of the
   * TLS-terminating proxies. Decides whether a request arrived over HTTPS (HSTS). @default false
   */
  readonly trustProxy: boolean | readonly string[];
  /** A WebSocket with more unsent bytes than this gets only the newest state (coalescing). @default 65536 */
  readonly wsBufferLimitBytes: number;
  /** A WebSocket that stays over the buffer limit this long is closed with `1013`. @default 30000 */
  readonly wsSlowConsumerTimeoutMs: number;
  /** On shutdown, WebSocket closes (`1001`) are spread over this window. @default 2000 */
  readonly wsDrainWindowMs: number;
  /** Web: the longest a SIGTERM drain may take before the process exits. @default 10000 */
  readonly shutdownTimeoutMs: number;
  /**
   * Worker: port of its Prometheus `/metrics` listener (on {@link host}); 0 picks a free one (tests).
   * 9464 is the port OpenTelemetry's Prometheus exporter registered for this use. @default 9464
   */
  readonly workerMetricsPort: number;
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

/**
 * The default of every variable that has one, in one place: {@link loadConfig} falls back to these,
 * and the manifests (infra/k8s/) and the benchmark start from them instead of restating them.
 * `WORKER_CONCURRENCY`, `MAX_UPLOAD_BYTES` and `UPLOAD_CONCURRENCY` are what the default pods fit
 * (infra/k8s/sizing.ts; test/infra/k8s/sizing.test.ts checks).
 */
export const CONFIG_DEFAULTS = Object.freeze({
  port: 8080,
  host: '0.0.0.0',
  redisUrl: 'redis://127.0.0.1:6379',
  enableWebsocket: true,
  logLevel: 'info',
  rowDelayMs: 0,
  jobTimeoutMs: 900_000,
  progressIntervalMs: 100,
  workerLockMs: 30_000,
  maxUploadBytes: 10 * 1024 * 1024,
  maxRows: 50_000,
  uploadsPerMinute: 30,
  wsPingIntervalMs: 25_000,
  wsMaxConnectionsPerUser: 20,
  wsSlotLeaseMs: 15_000,
  allowedOrigins: [],
  trustProxy: false,
  wsBufferLimitBytes: 64 * 1024,
  wsSlowConsumerTimeoutMs: 30_000,
  wsDrainWindowMs: 2_000,
  shutdownTimeoutMs: 10_000,
  workerMetricsPort: 9464,
  jobRetentionSeconds: 604_800,
  workerConcurrency: 2,
  storageWaitMs: 60_000,
  maxOpenJobs: 1_000,
  uploadConcurrency: 8,
} as const satisfies Omit<Config, 'redisTlsCaFile' | 'jwtSecret'>);

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

/**
 * RFC 7518 §3.2: an HS256 key must have at least 256 bits. A shorter secret is guessable offline from
 * any one token, and whoever guesses it can mint tokens for every user.
 */
export const MIN_JWT_SECRET_BYTES = 32;

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
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    return { problem: 'must start with redis:// or rediss://' };
  return { value: raw };
};

const logLevel: Parser<LogLevel> = (raw) =>
  (LOG_LEVELS as readonly string[]).includes(raw)
    ? { value: raw as LogLevel }
    : { problem: `must be one of ${LOG_LEVELS.join(', ')}` };

function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
}

/** Each entry must be an origin exactly as a browser sends it: scheme, host, optional port, no path. */
const origins: Parser<readonly string[]> = (raw) => {
  const list = commaList(raw);
  const bad = list.filter((entry) => {
    try {
      return new URL(entry).origin !== entry;
    } catch {
      return true;
    }
  });
  return bad.length === 0
    ? { value: list }
    : {
        problem: `must list origins like https://app.example.com (scheme and host, no path or trailing "/"), got ${bad.map((b) => `"${b}"`).join(', ')}`,
      };
};

const jwtSecret: Parser<string> = (raw) => {
  const bytes = Buffer.byteLength(raw, 'utf8');
  return bytes >= MIN_JWT_SECRET_BYTES
    ? { value: raw }
    : {
        problem: `must be at least ${MIN_JWT_SECRET_BYTES} bytes (an HS256 key has at least 256 bits, RFC 7518 §3.2), got ${bytes}; make one with: openssl rand -hex 32`,
      };
};

const ADDRESS_OR_CIDR = /^[0-9a-fA-F.:]+(\/\d{1,3})?$/;

const trustProxy: Parser<boolean | readonly string[]> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (value === 'true') return { value: true };
  if (value === 'false') return { value: false };
  const list = commaList(raw);
  const bad = list.filter((entry) => !ADDRESS_OR_CIDR.test(entry));
  return bad.length === 0 && list.length > 0
    ? { value: list }
    : { problem: `must be "true", "false" or a comma-separated list of IP addresses/CIDRs, got "${raw}"` };
};

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
  // A variable that may stay unset (no default value exists): undefined then, not a problem.
  const readOptional = <T>(name: string, parse: Parser<T>): T | undefined =>
    env[name] === undefined || env[name] === '' ? undefined : read(name, parse, undefined);

  const d = CONFIG_DEFAULTS;
  const config: Config = {
    port: read('PORT', integer(0, 65535), d.port),
    host: read('HOST', text, d.host),
    redisUrl: read('REDIS_URL', redisUrl, d.redisUrl),
    redisTlsCaFile: readOptional('REDIS_TLS_CA_FILE', text),
    jwtSecret: read('JWT_SECRET', jwtSecret, undefined),
    enableWebsocket: read('ENABLE_WEBSOCKET', boolean, d.enableWebsocket),
    logLevel: read('LOG_LEVEL', logLevel, d.logLevel),
    rowDelayMs: read('ROW_DELAY_MS', integer(0, 60_000), d.rowDelayMs),
    jobTimeoutMs: read('JOB_TIMEOUT_MS', integer(1), d.jobTimeoutMs),
    progressIntervalMs: read('PROGRESS_INTERVAL_MS', integer(0, 60_000), d.progressIntervalMs),
    workerLockMs: read('WORKER_LOCK_MS', integer(1_000, 600_000), d.workerLockMs),
    maxUploadBytes: read('MAX_UPLOAD_BYTES', integer(1), d.maxUploadBytes),
    maxRows: read('MAX_ROWS', integer(1), d.maxRows),
    uploadsPerMinute: read('UPLOADS_PER_MINUTE', integer(1), d.uploadsPerMinute),
    wsPingIntervalMs: read('WS_PING_INTERVAL_MS', integer(100), d.wsPingIntervalMs),
    wsMaxConnectionsPerUser: read('WS_MAX_CONNECTIONS_PER_USER', integer(1), d.wsMaxConnectionsPerUser),
    wsSlotLeaseMs: read('WS_SLOT_LEASE_MS', integer(1_000, 600_000), d.wsSlotLeaseMs),
    allowedOrigins: read('ALLOWED_ORIGINS', origins, d.allowedOrigins),
    trustProxy: read('TRUST_PROXY', trustProxy, d.trustProxy),
    wsBufferLimitBytes: read('WS_BUFFER_LIMIT_BYTES', integer(1_024, 64 * 1024 * 1024), d.wsBufferLimitBytes),
    wsSlowConsumerTimeoutMs: read('WS_SLOW_CONSUMER_TIMEOUT_MS', integer(100), d.wsSlowConsumerTimeoutMs),
    wsDrainWindowMs: read('WS_DRAIN_WINDOW_MS', integer(0, 60_000), d.wsDrainWindowMs),
    shutdownTimeoutMs: read('SHUTDOWN_TIMEOUT_MS', integer(100), d.shutdownTimeoutMs),
    workerMetricsPort: read('WORKER_METRICS_PORT', integer(0, 65535), d.workerMetricsPort),
    jobRetentionSeconds: read('JOB_RETENTION_SECONDS', integer(1), d.jobRetentionSeconds),
    workerConcurrency: read('WORKER_CONCURRENCY', integer(1, 64), d.workerConcurrency),
    storageWaitMs: read('STORAGE_WAIT_MS', integer(0), d.storageWaitMs),
    maxOpenJobs: read('MAX_OPEN_JOBS', integer(1), d.maxOpenJobs),
    uploadConcurrency: read('UPLOAD_CONCURRENCY', integer(1, 1_000), d.uploadConcurrency),
  };
  // A CA file with a plain redis:// URL would be silently unused: the operator meant TLS.
  if (config.redisTlsCaFile !== undefined && config.redisUrl.startsWith('redis://')) {
    problems.push(
      'REDIS_TLS_CA_FILE is set but REDIS_URL is redis://; use rediss:// to connect over TLS, or unset REDIS_TLS_CA_FILE',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
