import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CPU time used by the processes of a bench run (Linux /proc), to show where
 * the two cores went: the service processes, PostgreSQL (the postmaster, its
 * live backends and those that have ended), the simulated desks, and this
 * process (the uploading desks).
 */
const TICK = 100; // USER_HZ, 100 on Linux

function stat(pid: number): { utime: number; stime: number; cutime: number; cstime: number; ppid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (n: number) => Number(rest[n - 3]);
    return { ppid: field(4), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
  } catch {
    return null;
  }
}

/** CPU seconds of one process (itself only). */
export function cpuSeconds(pid: number): number {
  const s = stat(pid);
  return s ? (s.utime + s.stime) / TICK : 0;
}

/** CPU seconds of a PostgreSQL cluster: the postmaster, its children alive now, and those reaped. */
export function postgresSeconds(dataDir: string): number {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return 0;
  }
  const main = stat(postmaster);
  if (!main) return 0;
  let ticks = main.utime + main.stime + main.cutime + main.cstime;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = stat(Number(entry));
    if (child?.ppid === postmaster) ticks += child.utime + child.stime;
  }
  return ticks / TICK;
}

export interface CpuShares {
  readonly wallSeconds: number;
  /** Cores busy on average over the phase, per part. */
  readonly service: number;
  readonly postgres: number;
  readonly desks: number;
  readonly uploaders: number;
}

/** Starts counting; the returned function gives the shares since. */
export function cpuMeter(parts: { service: () => readonly number[]; pollers: () => number | null; postgresData: string }): () => CpuShares {
  const read = () => ({
    at: performance.now(),
    service: parts.service().reduce((n, pid) => n + cpuSeconds(pid), 0),
    postgres: postgresSeconds(parts.postgresData),
    desks: (() => {
      const pid = parts.pollers();
      return pid ? cpuSeconds(pid) : 0;
    })(),
    uploaders: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  });
  const start = read();
  return () => {
    const end = read();
    const wall = (end.at - start.at) / 1000;
    const share = (k: 'service' | 'postgres' | 'desks' | 'uploaders') => Math.round(((end[k] - start[k]) / wall) * 100) / 100;
    return { wallSeconds: Math.round(wall * 10) / 10, service: share('service'), postgres: share('postgres'), desks: share('desks'), uploaders: share('uploaders') };
  };
}
