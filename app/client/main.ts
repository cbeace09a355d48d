/** The page's entry (bundled to `app.js` by esbuild; see app/server/page-assets.ts). */
import { JobsPage } from './jobs-page.js';
import { findPageElements } from './page-elements.js';

new JobsPage(window, findPageElements(document)).start();
