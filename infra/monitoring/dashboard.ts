/**
 * The Cloud Monitoring dashboard, as the JSON that `gcp.monitoring.Dashboard` takes
 * (https://cloud.google.com/monitoring/api/ref_v3/rest/v1/projects.dashboards): a mosaic of 48
 * columns, scorecards across the top and two charts a row below, every query from promql.ts. The
 * memory chart draws each container's limit from infra/k8s/resources.ts. Pure.
 */
import { containerBudgets } from '../k8s/resources.js';
import { dashboardPanels, type MemoryLimit, type Panel, type Scope } from './promql.js';
import type { AlertThresholds } from './thresholds.js';

/** The mosaic's width: Cloud Monitoring's maximum, and what the console's editor uses. */
export const MOSAIC_COLUMNS = 48;
const SCORECARD = { width: 12, height: 8 };
const CHART = { width: 24, height: 16 };

export interface Tile {
  readonly xPos: number;
  readonly yPos: number;
  readonly width: number;
  readonly height: number;
  readonly widget: Record<string, unknown> & { readonly title: string };
}

export interface DashboardJson {
  readonly displayName: string;
  readonly mosaicLayout: { readonly columns: number; readonly tiles: readonly Tile[] };
}

/** Bytes of a Kubernetes memory quantity in `Mi` or `Gi` (the units resources.ts uses). */
export function quantityBytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`not a Mi/Gi quantity: ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 ** 3 : 1024 ** 2);
}

/** The memory limits of the web and worker containers, one line each (merged when equal). */
export function appMemoryLimits(): MemoryLimit[] {
  const limits = [
    ['web', containerBudgets.web.memoryLimit],
    ['rq-worker', containerBudgets.worker.memoryLimit],
  ] as const;
  const byValue = new Map<string, string[]>();
  for (const [name, limit] of limits) byValue.set(limit, [...(byValue.get(limit) ?? []), name]);
  return [...byValue].map(([limit, names]) => ({
    label: `limit ${names.join(', ')} (${limit})`,
    bytes: quantityBytes(limit),
  }));
}

/** The dashboard for `thresholds` (its objective and alert lines) over `scope`, named `displayName`. */
export function buildDashboard(displayName: string, thresholds: AlertThresholds, scope: Scope = {}): DashboardJson {
  const panels = dashboardPanels(thresholds, appMemoryLimits(), scope);
  const tiles: Tile[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const panel of panels) {
    const size = panel.kind === 'scorecard' ? SCORECARD : CHART;
    if (x + size.width > MOSAIC_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    tiles.push({ xPos: x, yPos: y, width: size.width, height: size.height, widget: widgetOf(panel) });
    x += size.width;
    rowHeight = Math.max(rowHeight, size.height);
  }
  return { displayName, mosaicLayout: { columns: MOSAIC_COLUMNS, tiles } };
}

function query(expr: string, unit: string | undefined): Record<string, unknown> {
  return { prometheusQuery: expr, ...(unit === undefined ? {} : { unitOverride: unit }) };
}

function widgetOf(panel: Panel): Tile['widget'] {
  if (panel.kind === 'scorecard') {
    return {
      title: panel.title,
      scorecard: {
        timeSeriesQuery: query(panel.queries[0]!.expr, panel.unit),
        sparkChartView: { sparkChartType: 'SPARK_LINE' },
      },
    };
  }
  return {
    title: panel.title,
    xyChart: {
      dataSets: panel.queries.map((q) => ({
        timeSeriesQuery: query(q.expr, panel.unit),
        plotType: panel.kind === 'stacked' ? 'STACKED_AREA' : 'LINE',
        legendTemplate: q.label,
        targetAxis: 'Y1',
      })),
      thresholds: (panel.thresholds ?? []).map((t) => ({ label: t.label, value: t.value, targetAxis: 'Y1' })),
      yAxis: { scale: 'LINEAR' },
      chartOptions: { mode: 'COLOR' },
    },
  };
}
