import { describe, expect, it } from 'vitest';
import { parseDeployArgs } from '../../../../scripts/ops/args/deploy-args.js';
import { parseRollbackArgs } from '../../../../scripts/ops/args/rollback-args.js';
import { parseStatusArgs } from '../../../../scripts/ops/args/status-args.js';
import { parseVerifyArgs } from '../../../../scripts/ops/args/verify-args.js';
import { OpsError } from '../../../../scripts/ops/outcome.js';
import { IMAGE_A } from '../../support/cloud-answers.js';

const usageError = (fn: () => unknown): OpsError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof OpsError && error.code === 'USAGE') return error;
    throw error;
  }
  throw new Error('expected a USAGE error');
};

describe('verify arguments', () => {
  it('has contract defaults', () => {
    expect(parseVerifyArgs(['--url', 'http://127.0.0.1:8080/'])).toEqual({
      help: false,
      url: 'http://127.0.0.1:8080',
      token: undefined,
      user: 'verify',
      websocket: true,
      timeoutMs: 60_000,
      settleMs: 0,
      kubectlNamespace: undefined,
    });
  });

  it('reads every option', () => {
    expect(
      parseVerifyArgs([
        '--url',
        'http://x',
        '--token',
        't',
        '--websocket',
        'off',
        '--timeout',
        '2.5',
        '--settle',
        '90',
        '--kubectl',
        '--namespace',
        'ns1',
      ]),
    ).toMatchObject({
      token: 't',
      websocket: false,
      timeoutMs: 2500,
      settleMs: 90_000,
      kubectlNamespace: 'ns1',
    });
    expect(parseVerifyArgs(['--url', 'https://api.example.com', '--origin', 'https://app.example.com'])).toMatchObject({
      url: 'https://api.example.com',
      origin: 'https://app.example.com',
    });
  });

  it.each([
    [['--url']],
    [['--url', 'http://x', '--websocket', 'maybe']],
    [['--url', 'http://x', '--timeout', '0']],
    [['--url', 'http://x', '--settle', '-1']],
    [['--url', 'http://x', '--kubectl', '--namespace', 'Bad_NS']],
    [['--nope']],
    [['--url', 'http://x', '--origin', 'https://app.example.com/']],
    [['--url', 'http://x', '--origin', 'app.example.com']],
  ])('rejects %j', (argv) => {
    usageError(() => parseVerifyArgs(argv));
  });
});

describe('deploy arguments', () => {
  it('defaults to the selected stack, confirmation, verify', () => {
    expect(parseDeployArgs([])).toMatchObject({
      stack: undefined,
      yes: false,
      preview: false,
      unpin: false,
      websocket: undefined,
      skipVerify: false,
      timeoutMs: 120_000,
      settleMs: 120_000,
      kubectl: false,
    });
  });

  it('reads --unpin and --websocket, and --config-file with --preview only', () => {
    expect(parseDeployArgs(['--unpin', '--websocket', 'on'])).toMatchObject({ unpin: true, websocket: true });
    expect(parseDeployArgs(['--websocket', 'off'])).toMatchObject({ unpin: false, websocket: false });
    expect(parseDeployArgs(['--preview', '--config-file', 'p.yaml'])).toMatchObject({
      preview: true,
      configFile: 'p.yaml',
    });
    expect(usageError(() => parseDeployArgs(['--config-file', 'p.yaml'])).message).toContain(
      '--config-file applies to --preview only',
    );
    expect(usageError(() => parseDeployArgs(['--preview', '--unpin'])).message).toContain('--preview changes nothing');
    expect(usageError(() => parseDeployArgs(['--websocket', 'maybe'])).message).toContain(
      '--websocket must be on or off',
    );
  });

  it('reads --stack, --yes, --preview, --skip-verify, --url', () => {
    expect(
      parseDeployArgs(['--stack', 'prod', '--yes', '--preview', '--skip-verify', '--url', 'http://x/']),
    ).toMatchObject({
      stack: 'prod',
      yes: true,
      preview: true,
      skipVerify: true,
      url: 'http://x',
    });
  });
});

describe('rollback arguments', () => {
  it('knows quick, quick --emergency and full', () => {
    expect(parseRollbackArgs(['quick']).mode).toBe('quick');
    expect(parseRollbackArgs(['quick', '--emergency', '--namespace', 'pl']).mode).toBe('emergency');
    expect(parseRollbackArgs(['full', '--image', IMAGE_A])).toMatchObject({ mode: 'full', image: IMAGE_A });
  });

  it('rejects what does not fit together', () => {
    expect(usageError(() => parseRollbackArgs(['quick', 'full'])).message).toContain('quick or full');
    expect(usageError(() => parseRollbackArgs(['quick', '--emergency', '--stack', 'prod'])).message).toContain(
      '--stack does not apply',
    );
    expect(usageError(() => parseRollbackArgs(['full', '--image', 'x:latest'])).message).toContain('by digest');
  });
});

describe('status arguments', () => {
  it('needs --url; interval defaults to 5 s', () => {
    expect(parseStatusArgs(['--url', 'http://x'])).toEqual({
      help: false,
      url: 'http://x',
      intervalMs: 5000,
      json: false,
      watch: false,
    });
    expect(usageError(() => parseStatusArgs([])).message).toContain('--url is required');
  });

  it('takes --watch, but not with --json', () => {
    expect(parseStatusArgs(['--url', 'http://x', '--watch', '--interval', '2'])).toMatchObject({
      watch: true,
      intervalMs: 2000,
    });
    expect(usageError(() => parseStatusArgs(['--url', 'http://x', '--watch', '--json'])).message).toContain(
      '--json and --watch do not go together',
    );
  });
});
