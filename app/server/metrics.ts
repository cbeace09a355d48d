/**
 * Prometheus metrics of one web process, on a registry of its own (several servers can live in one
 * test process). HTTP requests are counted by route pattern and status, so polling load is visible.
 */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC } from '../domain/metric-names.js';

export class WebMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: METRIC.httpRequests,
    help: 'HTTP requests answered, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  /** Uploads answered `503 CAPACITY_EXCEEDED`, by what was full (memory, backlog, uploads). */
  readonly capacityRejections = new Counter({
    name: METRIC.capacityRejections,
    help: 'Uploads refused with 503 CAPACITY_EXCEEDED, by reason: memory (Redis room), backlog (open jobs), uploads (in flight here)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(options: { collectDefaults?: boolean } = {}) {
    if (options.collectDefaults ?? true) collectDefaultMetrics({ register: this.registry });
    // Every reason shows from the start, at 0, so a dashboard can tell "none" from "not scraped".
    for (const reason of ['memory', 'backlog', 'uploads']) this.capacityRejections.inc({ reason }, 0);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
