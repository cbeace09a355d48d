/**
 * In-process synthesis: the one function the Pulumi program and `npm run synth` share.
 */
import type { ManifestOptions } from './options.js';

/**
 * Synthesizes every manifest (Namespace, web, rq-worker, redis) for `options` and returns them as one
 * deterministic multi-document YAML string. Writes no files and reads no environment.
 */
export function synthesizeManifests(options: ManifestOptions): string {
  void options;
  throw new Error('synthesizeManifests: not implemented yet (issue 5)');
}

/**
 * Synthesizes for `options` and writes `<outdir>/*.k8s.yaml` (one file per chart); returns the paths written.
 */
export function writeManifests(options: ManifestOptions, outdir = 'dist'): string[] {
  void options;
  void outdir;
  throw new Error('writeManifests: not implemented yet (issue 5)');
}
