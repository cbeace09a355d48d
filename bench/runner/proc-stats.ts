/**
 * What the benchmark reads about a server process from /proc (Linux): resident memory, CPU time,
 * and the local ports of its TCP sockets (to tell its Redis connections apart from everyone else's).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat times. */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Resident set size in bytes (`VmRSS` of /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  return statusBytes(pid, 'VmRSS');
}

/** The largest resident set size since the process started (`VmHWM`), in bytes. */
export function peakRssBytes(pid: number): number {
  return statusBytes(pid, 'VmHWM');
}

function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** User plus system CPU time of all the process' threads, in seconds. */
export function cpuSeconds(pid: number): number {
  return parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / ticksPerSecond();
}

/**
 * utime + stime (fields 14 and 15) of a /proc/<pid>/stat line. The command name (field 2) may hold
 * spaces and parentheses, so fields are counted from the last `)`.
 */
export function parseCpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  return Number(fields[11]) + Number(fields[12]);
}

/** Local TCP ports of every socket the process has open. */
export function localTcpPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1] as string);
    } catch {
      // closed while we looked
    }
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const port of portsOfInodes(text, inodes)) ports.add(port);
  }
  return ports;
}

/** Local ports of the rows of a /proc/net/tcp table whose inode is in `inodes`. */
export function portsOfInodes(table: string, inodes: ReadonlySet<string>): number[] {
  const ports: number[] = [];
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    const inode = cols[9];
    if (!local || !inode || !inodes.has(inode)) continue;
    ports.push(parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
  }
  return ports;
}
