/**
 * The Cloud Monitoring dashboard's JSON and its picture: tiles inside the 48-column mosaic without
 * overlapping, every widget a PromQL query from promql.ts, and docs/dashboard.svg drawn from exactly
 * this definition (regenerate with `npx tsx scripts/render-dashboard-svg.ts`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDashboard, MOSAIC_COLUMNS, quantityBytes, type Tile } from '../../infra/monitoring/dashboard.js';
import { renderDashboardSvg } from '../../infra/monitoring/dashboard-svg.js';
import { DASHBOARD_NAME } from '../../infra/monitoring/names.js';
import { dashboardPanels } from '../../infra/monitoring/promql.js';
import { defaultAlertThresholds } from '../../infra/monitoring/thresholds.js';
import { defaultManifestOptions } from '../../infra/k8s/options.js';
import { REPO_ROOT } from '../../kit/repo-root.js';

// As deployed by default: the stack's own namespace.
const dashboard = buildDashboard(DASHBOARD_NAME, defaultAlertThresholds, {
  namespace: defaultManifestOptions.namespace,
});
const tiles = dashboard.mosaicLayout.tiles;

function overlap(a: Tile, b: Tile): boolean {
  return (
    a.xPos < b.xPos + b.width && b.xPos < a.xPos + a.width && a.yPos < b.yPos + b.height && b.yPos < a.yPos + a.height
  );
}

function queriesOf(tile: Tile): string[] {
  const widget = tile.widget as {
    scorecard?: { timeSeriesQuery: { prometheusQuery: string } };
    xyChart?: { dataSets: { timeSeriesQuery: { prometheusQuery: string } }[] };
  };
  return widget.scorecard
    ? [widget.scorecard.timeSeriesQuery.prometheusQuery]
    : widget.xyChart!.dataSets.map((d) => d.timeSeriesQuery.prometheusQuery);
}

describe('the dashboard', () => {
  it('lays every tile inside the mosaic, none overlapping another', () => {
    expect(dashboard.mosaicLayout.columns).toBe(MOSAIC_COLUMNS);
    for (const tile of tiles) {
      expect(tile.xPos + tile.width, tile.widget.title).toBeLessThanOrEqual(MOSAIC_COLUMNS);
      for (const other of tiles)
        if (other !== tile) expect(overlap(tile, other), `${tile.widget.title} / ${other.widget.title}`).toBe(false);
    }
  });

  it("has one tile per panel, each querying exactly the panel's PromQL", () => {
    const panels = dashboardPanels(defaultAlertThresholds, [{ label: 'x', bytes: 1 }], {
      namespace: 'personalizedline',
    });
    expect(tiles.map((t) => t.widget.title)).toEqual(panels.map((p) => p.title));
    tiles.forEach((tile, i) => expect(queriesOf(tile)).toEqual(panels[i]!.queries.map((q) => q.expr)));
  });

  it('draws the memory limit of the containers on the memory chart', () => {
    const memory = tiles.find((t) => t.widget.title === 'Memory against limits')!.widget as unknown as {
      xyChart: { thresholds: { value: number }[] };
    };
    expect(memory.xyChart.thresholds.map((t) => t.value)).toEqual([quantityBytes('256Mi')]);
    expect(quantityBytes('1Gi')).toBe(1024 ** 3);
    expect(() => quantityBytes('256M')).toThrow(/Mi\/Gi/);
  });

  it('is pictured by the committed docs/dashboard.svg', () => {
    const committed = readFileSync(join(REPO_ROOT, 'docs/dashboard.svg'), 'utf8');
    expect(committed, 'docs/dashboard.svg is stale: run npx tsx scripts/render-dashboard-svg.ts').toBe(
      renderDashboardSvg(dashboard),
    );
  });

  it('draws a box with the title for every tile, and the dashboard changes the picture', () => {
    const svg = renderDashboardSvg(dashboard);
    expect(svg.match(/<rect [^>]*rx="6"/g)).toHaveLength(tiles.length);
    for (const tile of tiles) expect(svg).toContain(`>${tile.widget.title.replace(/&/g, '&amp;')}</text>`);
    const other = buildDashboard(DASHBOARD_NAME, { ...defaultAlertThresholds, deliveryP99ObjectiveSeconds: 0.2 });
    expect(renderDashboardSvg(other)).not.toBe(svg);
  });
});
