/**
 * `web_ready`: 1 when this pod's `GET /ready` would answer 200 (Redis answers), else 0, measured at
 * scrape time. Kubernetes' readiness probe acts on the same question; the gauge lets an alert say for
 * how long a pod has been out of the Service.
 */
import { Gauge, type Registry } from 'prom-client';
import { METRIC } from '../domain/metric-names.js';

export function registerReadinessGauge(registry: Registry, isReady: () => Promise<boolean>): void {
  new Gauge({
    name: METRIC.webReady,
    help: '1 when GET /ready would answer 200 (Redis answers), else 0',
    registers: [registry],
    async collect() {
      this.set((await isReady()) ? 1 : 0);
    },
  });
}
