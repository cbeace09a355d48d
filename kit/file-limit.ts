/**
 * Processes that hold thousands of sockets (web servers under load, haproxy, load generators) are
 * started through `bash -c 'ulimit -n <hard>; exec …'`: a soft open-file limit below the hard one
 * caps a process at ~1,000 sockets on many machines, and only the process itself can raise it. The
 * hard limit stays the ceiling; {@link openFileLimits} tells a caller whether it is high enough.
 */
import { spawnSync } from 'node:child_process';

/** `command args…` as a command line that first raises the soft open-file limit to the hard one. The pid stays the command's (`exec`). */
export function withRaisedFileLimit(command: string, args: readonly string[]): [string, string[]] {
  return ['bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bash', command, ...args]];
}

/** This process' open-file limits (what its children inherit); `unlimited` reads as Infinity. */
export function openFileLimits(): { readonly soft: number; readonly hard: number } {
  const read = (flag: string): number => {
    const text = spawnSync('bash', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).stdout.trim();
    return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text);
  };
  return { soft: read('-Sn'), hard: read('-Hn') };
}
