/**
 * A system tool the tests need (promtool, prometheus from Debian's prometheus package). When it is
 * missing, the test says so and how to install it, and is skipped; `.ci/run` installs it.
 */
import { spawnSync } from 'node:child_process';

export interface SystemTool {
  /** The absolute path, or undefined when the tool is not installed. */
  readonly path: string | undefined;
}

export function systemTool(name: string, install: string): SystemTool {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.status === 0 ? found.stdout.trim() : undefined;
  if (!path) process.stderr.write(`SKIP: ${name} is not installed (${install}); the tests that need it are skipped.\n`);
  return { path };
}
