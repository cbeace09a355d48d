/**
 * `npx tsx scripts/render-dashboard-svg.ts [FILE]`: draws the Cloud Monitoring dashboard's layout
 * (infra/monitoring/dashboard.ts, default thresholds and namespace) as an SVG, by default docs/dashboard.svg, the
 * picture docs/monitoring.md shows. A test fails when the committed file no longer matches the dashboard.
 */
import { writeFileSync } from 'node:fs';
import { defaultManifestOptions } from '../infra/k8s/options.js';
import { buildDashboard } from '../infra/monitoring/dashboard.js';
import { renderDashboardSvg } from '../infra/monitoring/dashboard-svg.js';
import { DASHBOARD_NAME } from '../infra/monitoring/names.js';
import { defaultAlertThresholds } from '../infra/monitoring/thresholds.js';

const file = process.argv[2] ?? 'docs/dashboard.svg';
writeFileSync(
  file,
  renderDashboardSvg(
    buildDashboard(DASHBOARD_NAME, defaultAlertThresholds, { namespace: defaultManifestOptions.namespace }),
  ),
);
process.stdout.write(`wrote ${file}\n`);
