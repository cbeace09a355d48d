/**
 * Every alert has its runbook entry: docs/runbook.md has a section per alert name (the PromQL alerts
 * and the uptime check's), each saying what it means, three things to check and the command that
 * helps, and the notifications link there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UPTIME_ALERT_NAME } from '../../infra/monitoring/names.js';
import { alertAnnotations } from '../../infra/monitoring/prometheus-rules.js';
import { alertRules } from '../../infra/monitoring/promql.js';
import { defaultAlertThresholds } from '../../infra/monitoring/thresholds.js';
import { REPO_ROOT } from '../../kit/repo-root.js';
import { githubSlug, headingAnchors } from '../docs/doc-links.js';

const RUNBOOK = readFileSync(join(REPO_ROOT, 'docs/runbook.md'), 'utf8');
const ALERTS = /\n## Alerts\n[\s\S]*?(?=\n## |$)/.exec(RUNBOOK)?.[0] ?? '';
const rules = alertRules(defaultAlertThresholds);
const names = [...rules.map((r) => r.name), UPTIME_ALERT_NAME];

/** The text of the `### name` entry, up to the next heading. */
function entry(name: string): string {
  return new RegExp(`\\n### ${name}\\n([\\s\\S]*?)(?=\\n#{2,3} |$)`).exec(ALERTS)?.[1] ?? '';
}

describe("the runbook's alert entries", () => {
  it("sit in the runbook's Alerts section", () => {
    expect(ALERTS).not.toBe('');
  });

  it.each(names)('%s: what it means, three checks, the command that helps', (name) => {
    const text = entry(name);
    expect(text, `no "### ${name}" entry`).not.toBe('');
    expect(text).toMatch(/^\*(Page|Ticket)\.\* \S/m);
    expect(text.match(/^\d\. /gm)).toEqual(['1. ', '2. ', '3. ']);
    expect(text).toMatch(/^Command: .*`(npm run|kubectl) /m);
  });

  it("marks each entry with the alert's own severity", () => {
    for (const rule of rules)
      expect(entry(rule.name)).toMatch(new RegExp(`^\\*${rule.severity === 'page' ? 'Page' : 'Ticket'}\\.\\*`, 'm'));
  });

  it('is where every notification links: docs/runbook.md#<the alert name in lower case>, an anchor of its entry', () => {
    const anchors = headingAnchors(RUNBOOK);
    for (const name of names) {
      // The notifications build the anchor with toLowerCase(); that must be GitHub's anchor of the heading.
      expect(githubSlug(name)).toBe(name.toLowerCase());
      expect(anchors).toContain(name.toLowerCase());
    }
    for (const rule of rules) expect(alertAnnotations(rule).runbook).toBe(`docs/runbook.md#${rule.name.toLowerCase()}`);
  });
});
