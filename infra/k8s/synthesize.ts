/**
 * In-process synthesis: the one implementation behind `npm run synth`, `npx cdk8s synth` and the
 * Pulumi program.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildManifestApp } from './manifest-app.js';
import type { ManifestOptions } from './options.js';

/**
 * Synthesizes every manifest (Namespace, redis, rq-worker, web, in apply order) for `options` and
 * returns them as one deterministic multi-document YAML string. Writes no files and reads no
 * environment. Throws a `ManifestOptionsError` naming every bad option.
 */
export function synthesizeManifests(options: ManifestOptions): string {
  return buildManifestApp(options).synthYaml();
}

/** The suffix of every file {@link writeManifests} writes (and removes when stale). */
export const manifestFileSuffix = '.k8s.yaml';

/**
 * Synthesizes for `options` into `outdir`, one `NNNN-<chart>.k8s.yaml` per chart, and returns the
 * file names written, sorted. Stale `*.k8s.yaml` files in `outdir` are removed first so the folder
 * holds exactly this synthesis (as `cdk8s synth` does by emptying the folder); other files are kept.
 */
export function writeManifests(options: ManifestOptions, outdir = 'dist'): string[] {
  const app = buildManifestApp(options, outdir);
  for (const name of listManifestFiles(outdir)) rmSync(join(outdir, name));
  app.synth();
  return listManifestFiles(outdir);
}

function listManifestFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(manifestFileSuffix))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
