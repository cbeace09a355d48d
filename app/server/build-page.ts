/**
 * `npm run build`'s second step: bundles the jobs page into build/public, where the compiled server
 * (build/app/server/page-assets.js) finds it. The image then serves files and never bundles.
 */
import { fileURLToPath } from 'node:url';
import { writePage } from './page-assets.js';

const outDir = process.argv[2] ?? fileURLToPath(new URL('../../build/public/', import.meta.url));

writePage(outDir).then(
  (files) => process.stdout.write(`page: wrote ${files.join(', ')}\n`),
  (error: unknown) => {
    process.stderr.write(
      `page: bundling app/client failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
