/**
 * The synth entry: `npm run synth` and `npx cdk8s synth` (cdk8s.yaml runs this file). The only place
 * that reads the environment: the overrides in `manifestEnvVars`, and `CDK8S_OUTDIR`, which
 * `cdk8s synth` sets to its output folder (`dist/` from cdk8s.yaml; a temporary one with `--stdout`).
 */
import { ManifestOptionsError, manifestOptionsFromEnv } from './options.js';
import { synthesizeManifests, writeManifests } from './synthesize.js';
import { validateManifestYaml } from './validation/validate-manifests.js';

function main(): number {
  try {
    const options = manifestOptionsFromEnv(process.env);
    // Refuse to write what the API server would reject (or silently prune).
    const problems = validateManifestYaml(synthesizeManifests(options));
    if (problems.length > 0) {
      process.stderr.write(`synth: the manifests are invalid:\n  - ${problems.join('\n  - ')}\n`);
      return 1;
    }
    const outdir = process.env.CDK8S_OUTDIR || 'dist';
    for (const file of writeManifests(options, outdir)) process.stdout.write(`synth: wrote ${outdir}/${file}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ManifestOptionsError) {
      process.stderr.write(`synth: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main();
