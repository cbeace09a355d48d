/**
 * Headless Chromium for the end-to-end tests: the system's /usr/bin/chromium (Debian package
 * `chromium`; `.ci/run` installs it) driven by playwright-core, a fresh profile per launch, and no
 * background traffic of its own (so request counts are the page's).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser tests cannot run on this machine, or `undefined` when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `${CHROMIUM_PATH} not found: install the Debian package "chromium" (.ci/run does) to run the browser tests`;
}

/** Prints why a browser test file is skipped (a skip must say why). */
export function reportSkip(file: string): void {
  const reason = browserMissing();
  if (reason) process.stdout.write(`SKIP ${file}: ${reason}\n`);
}

export interface TestBrowser {
  readonly context: BrowserContext;
  /** A new tab that fails the test on any uncaught page error (collected in `errors`). */
  newPage(options?: { width?: number; height?: number }): Promise<Page & { errors: string[] }>;
  close(): Promise<void>;
}

/**
 * One browser per test file (launching Chromium costs seconds on a loaded 2-core machine).
 * `extraArgs` are added to {@link CHROMIUM_ARGS}, e.g. `--ignore-certificate-errors` for a test certificate.
 */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'pl-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1280, height: 800 },
  });
  // A persistent context opens with one blank tab; the tests open their own.
  for (const page of context.pages()) await page.close();
  return {
    context,
    newPage: async (options = {}) => {
      const page = (await context.newPage()) as Page & { errors: string[] };
      page.errors = [];
      page.on('pageerror', (error) => page.errors.push(error.message));
      if (options.width) await page.setViewportSize({ width: options.width, height: options.height ?? 800 });
      return page;
    },
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
