import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/config.js';

describe('config', () => {
  it('applies the contract defaults when only JWT_SECRET is set', () => {
    const config = loadConfig({ JWT_SECRET: 's' });
    expect(config).toMatchObject({
      port: 8080, redisUrl: 'redis://127.0.0.1:6379', enableWebsocket: true, logLevel: 'info',
      rowDelayMs: 0, jobTimeoutMs: 900_000, progressIntervalMs: 100, maxUploadBytes: 10 * 1024 * 1024,
      maxRows: 50_000, wsPingIntervalMs: 25_000, wsMaxConnectionsPerUser: 20, shutdownTimeoutMs: 10_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable it is given', () => {
    const config = loadConfig({
      JWT_SECRET: 's', PORT: '9000', REDIS_URL: 'redis://r:6380', ENABLE_WEBSOCKET: 'false', LOG_LEVEL: 'debug',
      ROW_DELAY_MS: '100', JOB_TIMEOUT_MS: '500', ALLOWED_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config).toMatchObject({
      port: 9000, redisUrl: 'redis://r:6380', enableWebsocket: false, logLevel: 'debug', rowDelayMs: 100,
      jobTimeoutMs: 500, allowedOrigins: ['https://a.example', 'https://b.example'],
    });
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', ENABLE_WEBSOCKET: 'maybe', REDIS_URL: 'http://x', LOG_LEVEL: 'loud', ROW_DELAY_MS: '-1' });
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
});
