/**
 * The operations runbook (docs/runbook.md): it covers deploying, checking, testing by hand, watching,
 * rolling back and troubleshooting, its greps use the contract's log phrases, every operations command
 * in it parses, and it names no deployment.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../kit/repo-root.js';
import { parseDeployArgs } from '../../scripts/ops/args/deploy-args.js';
import { parseRollbackArgs } from '../../scripts/ops/args/rollback-args.js';
import { parseStatusArgs } from '../../scripts/ops/args/status-args.js';
import { parseVerifyArgs } from '../../scripts/ops/args/verify-args.js';
import { requiredApis } from '../../infra/pulumi/project-apis.js';
import { DEPLOYER_ROLES, PREVIEW_ROLES } from '../../scripts/ops/deployer-roles.js';
import { IMAGE_A } from './support/cloud-answers.js';

const RUNBOOK = readFileSync(join(REPO_ROOT, 'docs/runbook.md'), 'utf8');

/** One `## heading` section of the runbook, up to the next one. */
function section(heading: string): string {
  return new RegExp(`\\n## ${heading}\\n[\\s\\S]*?(?=\\n## |$)`).exec(RUNBOOK)?.[0] ?? '';
}
const PARSERS: Record<string, (argv: string[]) => unknown> = {
  deploy: parseDeployArgs,
  rollback: parseRollbackArgs,
  verify: parseVerifyArgs,
  status: parseStatusArgs,
};

/** Arguments of a documented command line, with shell placeholders filled in. */
function argumentsOf(text: string): string[] {
  const words =
    text
      .replace(/#.*$/, '')
      .replace(/[[\]]/g, ' ')
      .match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  return words.map((word, index) => {
    const bare = word.replace(/^["']|["']$/g, '');
    if (bare === '$URL' || bare === 'URL') return 'http://127.0.0.1:8080';
    if (bare.startsWith('$')) return 'value';
    if (bare.includes('<')) return words[index - 1] === '--image' ? IMAGE_A : 'staging';
    return bare.replace(/\$\w+/g, 'x');
  });
}

describe('the runbook', () => {
  it('has every part of a deployment guide', () => {
    expect(RUNBOOK.length).toBeGreaterThan(5_000);
    for (const heading of [
      '## Prerequisites',
      '## First deploy',
      '## Config home',
      '## Data safety and restore',
      '## Deployment',
      '## Verification',
      '## Testing',
      '## Monitoring',
      '## Alerts',
      '## Rollback',
      '## Scaling',
      '## Going to HTTPS',
      '## Moving Redis to Memorystore',
      '## Troubleshooting',
      '## Success criteria',
      '## Security notes',
      '## CI pipelines',
      '## Deployment checklist',
    ]) {
      expect(RUNBOOK).toContain(`\n${heading}\n`);
    }
    for (const test of [
      '**1. WebSocket connection.**',
      '**2. Real-time progress.**',
      '**3. Load More',
      '**4. Fallback to polling.**',
      '**5. Multiple jobs.**',
    ]) {
      expect(RUNBOOK).toContain(test);
    }
    for (const problem of [
      "### WebSocket won't connect",
      '### Progress not updating',
      '### Jobs flicker',
      '### High memory',
    ]) {
      expect(RUNBOOK).toContain(problem);
    }
  });

  it("greps the logs for the contract's exact phrases", () => {
    expect(RUNBOOK).toContain('grep -E "WebSocket (connected|disconnected) for job"');
    expect(RUNBOOK).toContain('grep "WebSocket connected for job"');
    expect(RUNBOOK).toContain('grep "\\[Worker\\] Published progress for job"');
    expect(RUNBOOK).toContain('grep -E "\\[Worker\\] Published (success|failure) status for job"');
    for (const app of ['web', 'rq-worker', 'redis'])
      expect(RUNBOOK).toContain(`kubectl logs -n personalizedline -l app=${app}`);
  });

  it('uses only npm scripts that exist, and every operations command in it parses', () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
        .scripts,
    );
    for (const [, name] of RUNBOOK.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(scripts).toContain(name);
    const lines = [...RUNBOOK.matchAll(/npm run (?:--silent )?(deploy|rollback|verify|status) -- ([^`\n&|;]*)/g)];
    expect(lines.length).toBeGreaterThan(20);
    for (const [line, command, rest] of lines) {
      expect(() => PARSERS[command!]!(argumentsOf(rest!)), line).not.toThrow();
    }
  });

  it('names no deployment: no public address, no real host or home folder', () => {
    const addresses = RUNBOOK.match(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g) ?? [];
    expect(addresses.filter((a) => !a.startsWith('127.'))).toEqual([]);
    expect(RUNBOOK).not.toMatch(/senditfast|personalizedline-prod|\/home\/user/i);
  });

  it("lists the first deploy's steps in order: APIs, then roles, then the gcr.io redirection, then the config home", () => {
    const firstDeploy = section('First deploy');
    const apis = firstDeploy.indexOf(`gcloud services enable ${requiredApis.join(' ')}`);
    const roles = firstDeploy.indexOf('**2. Roles.**');
    const redirection = firstDeploy.indexOf('gcloud artifacts settings enable-upgrade-redirection');
    const home = firstDeploy.indexOf('pulumi env init personalizedline/prod-settings');
    expect([apis, roles, redirection, home].every((at) => at > 0)).toBe(true);
    expect([apis, roles, redirection, home]).toEqual([...[apis, roles, redirection, home]].sort((a, b) => a - b));
    // The same roles preflight prints, each in the table, and the preview's read-only ones.
    const rolesPart = firstDeploy.slice(roles, redirection);
    for (const { role } of [...DEPLOYER_ROLES, ...PREVIEW_ROLES]) expect(rolesPart, role).toContain(`\`${role}\``);
  });

  it("has the restore path for Redis's disk", () => {
    const restore = section('Data safety and restore');
    expect(restore).not.toBe('');
    for (const step of [
      'kubectl patch pv',
      '"path":"/spec/claimRef"',
      'volumeName:',
      'name: data-redis-0',
      'gcloud compute snapshots create',
    ]) {
      expect(restore, step).toContain(step);
    }
  });
});
