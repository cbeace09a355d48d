import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, ConfigError, loadConfig } from '../../app/config.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes';

describe('config', () => {
  it('applies the contract defaults when only JWT_SECRET is set', () => {
    const config = loadConfig({ JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      port: 8080,
      redisUrl: 'redis://127.0.0.1:6379',
      enableWebsocket: true,
      logLevel: 'info',
      rowDelayMs: 0,
      jobTimeoutMs: 900_000,
      progressIntervalMs: 100,
      maxUploadBytes: 10 * 1024 * 1024,
      maxRows: 50_000,
      wsPingIntervalMs: 25_000,
      wsMaxConnectionsPerUser: 20,
      shutdownTimeoutMs: 10_000,
      allowedOrigins: [],
      trustProxy: false,
      workerMetricsPort: 9464,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes every default from CONFIG_DEFAULTS, the table the manifests and tools read', () => {
    expect(loadConfig({ JWT_SECRET: SECRET })).toEqual({
      ...CONFIG_DEFAULTS,
      jwtSecret: SECRET,
      redisTlsCaFile: undefined,
    });
  });

  it('reads every variable it is given', () => {
    const config = loadConfig({
      JWT_SECRET: SECRET,
      PORT: '9000',
      REDIS_URL: 'redis://r:6380',
      ENABLE_WEBSOCKET: 'false',
      LOG_LEVEL: 'debug',
      ROW_DELAY_MS: '100',
      JOB_TIMEOUT_MS: '500',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config).toMatchObject({
      port: 9000,
      redisUrl: 'redis://r:6380',
      enableWebsocket: false,
      logLevel: 'debug',
      rowDelayMs: 100,
      jobTimeoutMs: 500,
      allowedOrigins: ['https://a.example', 'https://b.example'],
    });
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        ENABLE_WEBSOCKET: 'maybe',
        REDIS_URL: 'http://x',
        LOG_LEVEL: 'loud',
        ROW_DELAY_MS: '-1',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['JWT_SECRET', 'PORT', 'ENABLE_WEBSOCKET', 'REDIS_URL', 'LOG_LEVEL', 'ROW_DELAY_MS']) {
      expect(problems).toContain(name);
    }
    expect((error as ConfigError).message).toMatch(/Fix these environment variables/);
  });

  it('refuses a JWT_SECRET shorter than 32 bytes (RFC 7518 §3.2) and says how to make one', () => {
    expect(() => loadConfig({ JWT_SECRET: 'abc' })).toThrow(
      /JWT_SECRET must be at least 32 bytes .*got 3; make one with: openssl rand -hex 32/,
    );
    // Bytes, not characters: 11 three-byte characters are 33 bytes.
    expect(loadConfig({ JWT_SECRET: '€'.repeat(11) }).jwtSecret).toBe('€'.repeat(11));
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(31) })).toThrow(/got 31/);
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).jwtSecret).toHaveLength(32);
  });

  it('reads ALLOWED_ORIGINS as exact origins and names entries a browser would never send', () => {
    expect(
      loadConfig({ JWT_SECRET: SECRET, ALLOWED_ORIGINS: 'https://app.example.com,http://localhost:3000' })
        .allowedOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:3000']);
    expect(() =>
      loadConfig({ JWT_SECRET: SECRET, ALLOWED_ORIGINS: 'https://app.example.com/, *, app.example.com' }),
    ).toThrow(/ALLOWED_ORIGINS must list origins .*"https:\/\/app.example.com\/", "\*", "app.example.com"/);
  });

  it('reads WORKER_METRICS_PORT (0 picks a free port) and names a bad one', () => {
    expect(loadConfig({ JWT_SECRET: SECRET, WORKER_METRICS_PORT: '0' }).workerMetricsPort).toBe(0);
    expect(loadConfig({ JWT_SECRET: SECRET, WORKER_METRICS_PORT: '9100' }).workerMetricsPort).toBe(9100);
    expect(() => loadConfig({ JWT_SECRET: SECRET, WORKER_METRICS_PORT: '70000' })).toThrow(
      /WORKER_METRICS_PORT must be between 0 and 65535/,
    );
  });

  it('reads TRUST_PROXY as true, false or addresses and CIDRs', () => {
    const read = (value: string) => loadConfig({ JWT_SECRET: SECRET, TRUST_PROXY: value }).trustProxy;
    expect(read('true')).toBe(true);
    expect(read('false')).toBe(false);
    expect(read('130.211.0.0/22, 35.191.0.0/16,::1')).toEqual(['130.211.0.0/22', '35.191.0.0/16', '::1']);
    expect(() => read('the load balancer')).toThrow(/TRUST_PROXY must be/);
  });
});
