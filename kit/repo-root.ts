/** The checkout's root folder (with a trailing slash), where entries, `build/` and `node_modules` are. */
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
