/**
 * The jobs page's files (`index.html`, `app.js`, `styles.css`). A built image serves the files
 * `npm run build` wrote next to the compiled server (build/public); a source checkout (`npm run web`
 * right after `npm ci`) bundles app/client with esbuild in memory on first use instead. Either way
 * the files are read or bundled once per process and kept in memory.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Each page file and its content type. */
export const PAGE_FILES = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'styles.css': 'text/css; charset=utf-8',
} as const;

export type PageFileName = keyof typeof PAGE_FILES;

export interface PageAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** A strong validator of the body, so reloads revalidate with a cheap `304`. */
  readonly etag: string;
}

export type PageAssets = ReadonlyMap<PageFileName, PageAsset>;

/** app/client, seen from this file in the source tree. */
export const CLIENT_DIR = fileURLToPath(new URL('../client/', import.meta.url));
/**
 * Prebuilt files: from build/app/server/page-assets.js this is build/public. From the source file
 * it points at a `public/` folder at the repository root, which does not exist, so a source checkout
 * always bundles fresh (a stale `npm run build` output can never shadow edited sources).
 */
export const PREBUILT_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** Bundles the page from `clientDir` (TypeScript through esbuild; HTML and CSS as they are). */
export async function bundlePage(clientDir: string = CLIENT_DIR): Promise<Record<PageFileName, Buffer>> {
  // Loaded only when needed: a built image serves prebuilt files and has no esbuild (a dev dependency).
  const esbuild = await import('esbuild').catch((error: unknown) => {
    throw new Error(
      'The page is not built and esbuild is not installed: run `npm run build`, or `npm ci` without --omit=dev.',
      { cause: error },
    );
  });
  const result = await esbuild.build({
    entryPoints: [join(clientDir, 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0];
  if (!script) throw new Error('esbuild produced no output for app/client/main.ts');
  return {
    'index.html': await readFile(join(clientDir, 'index.html')),
    'app.js': Buffer.from(script.contents),
    'styles.css': await readFile(join(clientDir, 'styles.css')),
  };
}

/** Writes the bundled page into `outDir` (what `npm run build` ships in the image). */
export async function writePage(outDir: string, clientDir: string = CLIENT_DIR): Promise<string[]> {
  const files = await bundlePage(clientDir);
  await mkdir(outDir, { recursive: true });
  const names = Object.keys(files) as PageFileName[];
  for (const name of names) await writeFile(join(outDir, name), files[name]);
  return names.map((name) => join(outDir, name));
}

/** The page's files: prebuilt from `prebuiltDir` when all are there, else bundled from `clientDir`. */
export async function loadPageAssets(
  prebuiltDir: string = PREBUILT_DIR,
  clientDir: string = CLIENT_DIR,
): Promise<PageAssets> {
  const names = Object.keys(PAGE_FILES) as PageFileName[];
  const prebuilt = names.every((name) => existsSync(join(prebuiltDir, name)));
  const bodies = prebuilt
    ? Object.fromEntries(
        await Promise.all(names.map(async (name) => [name, await readFile(join(prebuiltDir, name))] as const)),
      )
    : await bundlePage(clientDir);
  return new Map(
    names.map((name) => {
      const body = bodies[name];
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      return [name, { body, contentType: PAGE_FILES[name], etag }];
    }),
  );
}

let cached: Promise<PageAssets> | undefined;

/**
 * The page's files for this process, loaded on first call and kept. A failed bundle is not kept,
 * so the next request tries again (and reports the error again) instead of failing forever.
 */
export function pageAssets(): Promise<PageAssets> {
  cached ??= loadPageAssets().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
