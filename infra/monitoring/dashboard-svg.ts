/**
 * A picture of the dashboard's layout, drawn from its JSON (dashboard.ts): one box per tile where
 * Cloud Monitoring puts it, with its title, kind, queries and threshold lines, so docs/monitoring.md shows
 * what an operator will find without a GCP project. Deterministic text; pure.
 */
import type { DashboardJson, Tile } from './dashboard.js';

const UNIT_X = 20;
const UNIT_Y = 13;
const MARGIN = 16;
const HEADER = 36;

/** The SVG document for `dashboard`. */
export function renderDashboardSvg(dashboard: DashboardJson): string {
  const { columns, tiles } = dashboard.mosaicLayout;
  const width = columns * UNIT_X + 2 * MARGIN;
  const rows = Math.max(...tiles.map((t) => t.yPos + t.height));
  const height = rows * UNIT_Y + HEADER + 2 * MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#f8f9fa"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 18}" font-size="18" font-weight="bold" fill="#202124">${escape(dashboard.displayName)}</text>`,
    `<text x="${width - MARGIN}" y="${MARGIN + 18}" font-size="11" fill="#5f6368" text-anchor="end">Cloud Monitoring mosaic, ${columns} columns (PromQL)</text>`,
    ...tiles.map((tile) => renderTile(tile)),
    '</svg>',
    '',
  ].join('\n');
}

interface Line {
  readonly text: string;
  readonly size: number;
  readonly color: string;
  readonly bold?: boolean;
}

function renderTile(tile: Tile): string {
  const x = MARGIN + tile.xPos * UNIT_X + 4;
  const y = MARGIN + HEADER + tile.yPos * UNIT_Y + 4;
  const w = tile.width * UNIT_X - 8;
  const h = tile.height * UNIT_Y - 8;
  const maxChars = Math.floor((w - 16) / 6);
  const lines = tileLines(tile)
    .flatMap((line) => wrap(line, maxChars))
    .slice(0, Math.floor((h - 12) / 15));
  const texts = lines.map(
    (line, i) =>
      `<text x="${x + 8}" y="${y + 20 + i * 15}" font-size="${line.size}" fill="${line.color}"${line.bold ? ' font-weight="bold"' : ''}${line.size < 11 ? ' font-family="monospace"' : ''}>${escape(line.text)}</text>`,
  );
  return [
    `<g>`,
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="#ffffff" stroke="#dadce0"/>`,
    ...texts,
    `</g>`,
  ].join('\n');
}

function tileLines(tile: Tile): Line[] {
  const { widget } = tile;
  const scorecard = widget.scorecard as { timeSeriesQuery: { prometheusQuery: string } } | undefined;
  const chart = widget.xyChart as
    | {
        dataSets: { timeSeriesQuery: { prometheusQuery: string }; plotType: string; legendTemplate: string }[];
        thresholds: { label: string; value: number }[];
      }
    | undefined;
  const lines: Line[] = [{ text: widget.title, size: 13, color: '#202124', bold: true }];
  if (scorecard) {
    lines.push({ text: 'scorecard with sparkline', size: 11, color: '#1a73e8' });
    lines.push({ text: scorecard.timeSeriesQuery.prometheusQuery, size: 10, color: '#5f6368' });
  }
  for (const set of chart?.dataSets ?? []) {
    lines.push({
      text: `${set.plotType === 'STACKED_AREA' ? 'stacked area' : 'line'}: ${set.legendTemplate}`,
      size: 11,
      color: '#1a73e8',
    });
    lines.push({ text: set.timeSeriesQuery.prometheusQuery, size: 10, color: '#5f6368' });
  }
  for (const threshold of chart?.thresholds ?? []) {
    lines.push({ text: `threshold: ${threshold.label} = ${threshold.value}`, size: 11, color: '#d93025' });
  }
  return lines;
}

/** Splits a line into pieces of at most `maxChars` (queries are long; titles are not). */
function wrap(line: Line, maxChars: number): Line[] {
  const pieces: Line[] = [];
  for (let rest = line.text; rest.length > 0; rest = rest.slice(maxChars))
    pieces.push({ ...line, text: rest.slice(0, maxChars) });
  return pieces;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
