/**
 * Turns a capacity refusal into the contract's answer (`503 CAPACITY_EXCEEDED` with `Retry-After`),
 * and makes it visible: `progress_capacity_rejections_total{reason}` and one log line with the figures.
 */
import type { FastifyBaseLogger } from 'fastify';
import { capacityMessage, retryAfterSeconds, type CapacityRefusal } from '../domain/capacity.js';
import { CapacityExceeded } from '../errors.js';
import type { WebMetrics } from './metrics.js';

export function capacityExceeded(
  refusal: CapacityRefusal,
  metrics: WebMetrics,
  log: FastifyBaseLogger,
): CapacityExceeded {
  const retryAfter = retryAfterSeconds(refusal);
  metrics.capacityRejections.inc({ reason: refusal.reason });
  log.warn(
    { ...refusal, retryAfterSeconds: retryAfter },
    `Upload refused: capacity exceeded (${refusal.reason}); answered 503 with Retry-After ${retryAfter}`,
  );
  return new CapacityExceeded(capacityMessage(refusal, retryAfter), retryAfter);
}
