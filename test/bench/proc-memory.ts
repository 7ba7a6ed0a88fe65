/**
 * Process memory as Linux counts it, for the memory bench: resident set size
 * (VmRSS) and its high-water mark (VmHWM) from /proc/<pid>/status, which the
 * kernel keeps exactly, so a peak between two samples is not missed. Writing
 * "5" to /proc/<pid>/clear_refs resets the high-water mark, so each phase
 * gets its own peak.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

export const MB = 2 ** 20;

export interface ProcMemory {
  /** Resident set size now, bytes. */
  readonly rss: number;
  /** Highest RSS since the process started or the mark was last reset, bytes. */
  readonly hwm: number;
  /** The private (anonymous) part of the RSS: heaps, stacks, buffers. */
  readonly anon: number;
  /** Pages of mapped files (the executable and libraries, shared with the other processes that map them). */
  readonly file: number;
  /** Shared memory (in Chromium: buffers shared between processes, such as video frames). */
  readonly shmem: number;
}

function kilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] ? Number(match[1]) * 1024 : Number.NaN;
}

/** Parses /proc/<pid>/status text (exported for the unit test). */
export function parseStatus(status: string): ProcMemory {
  return {
    rss: kilobytes(status, 'VmRSS'),
    hwm: kilobytes(status, 'VmHWM'),
    anon: kilobytes(status, 'RssAnon'),
    file: kilobytes(status, 'RssFile'),
    shmem: kilobytes(status, 'RssShmem'),
  };
}

/** The process's memory now, or null when it is gone. */
export function procMemory(pid: number): ProcMemory | null {
  try {
    return parseStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Proportional set size: the RSS with each shared page divided among the
 * processes that map it (/proc/<pid>/smaps_rollup). Slower to read than
 * status (the kernel walks the mappings), so read at moments, not sampled.
 */
export function procPss(pid: number): number {
  try {
    return kilobytes(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
  } catch {
    return Number.NaN;
  }
}

/** Resets the process's high-water mark to its RSS now (Linux 4.0+); false where that is refused. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface ChromiumProcess {
  readonly type: string;
  readonly pid: number;
  /** CPU seconds used so far. */
  readonly cpuTime: number;
}

/** Chromium's own list of its processes (browser, renderers, GPU, utilities) with their pids. */
export async function chromiumProcesses(browser: Browser): Promise<ChromiumProcess[]> {
  const session = await browser.newBrowserCDPSession();
  try {
    const info = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number; cpuTime: number }[] };
    return info.processInfo.map((p) => ({ type: p.type, pid: p.id, cpuTime: p.cpuTime }));
  } finally {
    await session.detach();
  }
}

/** CPU time used by a process so far, in clock ticks (utime + stime of /proc/<pid>/stat); 0 when it is gone. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * The renderer process of the one page the bench drives. A browser with one
 * page still has two or three renderers (the first about:blank, a spare kept
 * warm for the next tab), and Chromium's own CPU figures lag, so the page
 * is made to work for a moment (a loop of fixed length: its clock may be
 * Playwright's, paused) and the renderer whose CPU time moved is the one.
 */
export async function pageRendererPid(browser: Browser, page: Page): Promise<{ pid: number; renderers: number }> {
  const renderers = (await chromiumProcesses(browser)).filter((p) => p.type === 'renderer');
  const before = new Map(renderers.map((r) => [r.pid, cpuTicks(r.pid)]));
  await page.evaluate(() => {
    let x = 0;
    for (let i = 0; i < 300_000_000; i++) x = (x + i) % 1_000_003;
    return x;
  });
  const moved = renderers.map((r) => ({ pid: r.pid, ticks: cpuTicks(r.pid) - (before.get(r.pid) ?? 0) })).sort((a, b) => b.ticks - a.ticks);
  const busiest = moved[0];
  if (!busiest) throw new Error('Chromium reports no renderer process');
  return { pid: busiest.pid, renderers: renderers.length };
}

/** One reading of a process's memory at a moment of the run. */
export interface Sample {
  /** Milliseconds since the sampler started. */
  readonly at: number;
  readonly rss: number;
  readonly anon: number;
  readonly shmem: number;
  /** Private plus shared memory: what the process holds beyond the files it maps (Chromium's "memory footprint"). */
  readonly footprint: number;
}

/**
 * Reads the RSS of some processes every `everyMs` (250 ms by default) in the
 * background. Reading /proc takes microseconds, so it does not disturb what
 * it measures.
 */
export class RssSampler {
  private readonly series = new Map<string, Sample[]>();
  private timer: NodeJS.Timeout | null = null;
  private started = 0;

  constructor(
    private readonly pids: Readonly<Record<string, number>>,
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.started = performance.now();
    this.take();
    this.timer = setInterval(() => this.take(), this.everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.take();
  }

  samples(name: string): readonly Sample[] {
    return this.series.get(name) ?? [];
  }

  /** The highest reading of `field` (bytes) over the samples of process `name`. */
  max(name: string, field: 'rss' | 'anon' | 'footprint'): number {
    return Math.max(0, ...this.samples(name).map((s) => s[field]));
  }

  private take(): void {
    const at = performance.now() - this.started;
    for (const [name, pid] of Object.entries(this.pids)) {
      const memory = procMemory(pid);
      if (!memory) continue;
      let list = this.series.get(name);
      if (!list) this.series.set(name, (list = []));
      list.push({ at, rss: memory.rss, anon: memory.anon, shmem: memory.shmem, footprint: memory.anon + memory.shmem });
    }
  }
}

/** Least-squares slope of y over x (NaN with fewer than two distinct x). */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return Number.NaN;
  return points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

export function toMb(bytes: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round((bytes / MB) * f) / f;
}
