/**
 * The upload rate limit (`UPLOADS_PER_MINUTE`), counted in Redis so every web process enforces the
 * same one: a sliding window of the user's recent uploads, taken in one script (limit-scripts.ts).
 * A window that slides, unlike a per-clock-minute counter, never lets twice the limit through around
 * the turn of a minute. The log expires with the window, so an idle user leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../domain/redis-keys.js';
import { AppError } from '../errors.js';
import { TAKE_UPLOAD } from './limit-scripts.js';
import { refusalAsDependencyDown } from './redis-refusal.js';

export interface UploadRateLimitOptions {
  /** Uploads one user may start in a window (UPLOADS_PER_MINUTE). */
  readonly perWindow: number;
  /** @default 60000 */
  readonly windowMs?: number;
}

/** What {@link UploadRateLimit.take} decided. */
export type UploadDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export class UploadRateLimit {
  private readonly windowMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: UploadRateLimitOptions,
  ) {
    this.windowMs = options.windowMs ?? 60_000;
  }

  /** Records one upload of `userId` if the window has room. */
  async take(userId: string): Promise<UploadDecision> {
    const [allowed, waitMs] = (await refusalAsDependencyDown(() =>
      this.redis.eval(
        TAKE_UPLOAD,
        1,
        this.keys.uploadRate(userId),
        this.options.perWindow,
        this.windowMs,
        randomUUID(),
      ),
    )) as [number, number];
    return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(0, waitMs) };
  }

  /** {@link take}, throwing `RATE_LIMITED` (`429`) with the wait in the message when there is no room. */
  async admit(userId: string): Promise<void> {
    const decision = await this.take(userId);
    if (decision.allowed) return;
    const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    const window = this.windowMs === 60_000 ? 'minute' : `${this.windowMs / 1000} s`;
    throw new AppError(
      'RATE_LIMITED',
      `Too many uploads: at most ${this.options.perWindow} per ${window}. Try again in ${seconds} s.`,
    );
  }
}
