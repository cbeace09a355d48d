/**
 * Prometheus metrics of one web process, on a registry of its own (several servers can live in one
 * test process). HTTP requests are counted by route pattern and status, so polling load is visible.
 */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export class WebMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  constructor(options: { collectDefaults?: boolean } = {}) {
    if (options.collectDefaults ?? true) collectDefaultMetrics({ register: this.registry });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
