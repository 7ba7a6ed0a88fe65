// The memory bench's readings (memory.ts): RSS from /proc, the V8 heaps of the host, the page and the decode worker.
import type { CDPSession } from 'playwright-core';
import type { HostProcess } from './host-process';
import { MB, procMemory, procPss, slope, toMb } from './proc-memory';
import { round } from './stats';
import type { VideoControlResult } from './video-control';

// ---------------------------------------------------------------------------
// Results

export interface SeriesFigures {
  /** After a full GC, before the first scan of the hour. */
  readonly startMb: number;
  /** After a full GC, after the last scan. */
  readonly endMb: number;
  readonly peakMb: number;
  readonly growthMb: number;
  /** Least squares over the samples after a full GC, per simulated hour. */
  readonly slopeMbPerHour: number;
}

/** What a process's RSS is made of at one moment, MB. */
export interface Breakdown {
  readonly rssMb: number;
  /** Private: heaps, stacks, buffers. */
  readonly anonMb: number;
  /** Mapped files: the executable and libraries, shared with other processes. */
  readonly fileMb: number;
  /** Shared memory (Chromium: buffers shared between its processes). */
  readonly shmemMb: number;
  /** The RSS with shared pages divided among the processes that map them. */
  readonly pssMb: number;
}

export function breakdown(pid: number): Breakdown {
  const m = procMemory(pid);
  return {
    rssMb: toMb(m?.rss ?? Number.NaN),
    anonMb: toMb(m?.anon ?? Number.NaN),
    fileMb: toMb(m?.file ?? Number.NaN),
    shmemMb: toMb(m?.shmem ?? Number.NaN),
    pssMb: toMb(procPss(pid)),
  };
}

export interface DownloadFigures {
  readonly seconds: number;
  readonly peopleOnDevice: number;
  /** The first-run screen showed its progress bar while the roster came down. */
  readonly progressShown: boolean;
  readonly hostPeakRssMb: number;
  readonly hostPeakAnonMb: number;
  readonly hostPeakHeapMb: number;
  readonly hostEnd: Breakdown;
  readonly rendererPeakRssMb: number;
  readonly rendererPeakAnonMb: number;
  /** Private plus shared memory: what the 150 MB target is judged on. */
  readonly rendererPeakFootprintMb: number;
  readonly rendererPeakJsHeapMb: number;
  readonly rendererEnd: Breakdown;
}

export interface HourFigures {
  readonly scans: number;
  readonly simulatedMinutes: number;
  readonly wallSeconds: number;
  readonly hostRss: SeriesFigures;
  readonly hostHeap: SeriesFigures;
  readonly rendererRss: SeriesFigures;
  readonly rendererAnon: SeriesFigures;
  readonly rendererShmem: SeriesFigures;
  readonly rendererFootprint: SeriesFigures;
  readonly rendererJsHeap: SeriesFigures;
  /** The decode worker's JS heap, over the samples of the worker running at the end (the scanner starts a new one after the idle lock). */
  readonly workerJsHeap: SeriesFigures | null;
  /** Scans the worker running at the end was there for. */
  readonly workerScans: number;
  readonly hostPeakAnonMb: number;
  readonly rendererPeakAnonMb: number;
  readonly hostEnd: Breakdown;
  readonly rendererEnd: Breakdown;
  /** Cards shown, by verdict code (READ_ERROR: refused on the page, before the core). */
  readonly cards: Readonly<Record<string, number>>;
  /** Cards that were not what the plan expected (0 unless something is wrong). */
  readonly unexpected: number;
  readonly checkIns: number;
  readonly cameraReads: number;
  readonly locks: number;
  /** Entries in the page's performance timeline at the end (user timing marks and measures). */
  readonly performanceEntries: number;
  /** Log lines the host wrote during the hour (the runner does not keep them; the test host would). */
  readonly hostLogLines: number;
  /** All Chromium processes' RSS added up at the end (shared pages counted in each), for context. */
  readonly chromiumTotalRssMb: number;
  /** The samples after a full GC, MB, by simulated minute (printed with the result, not in the section). */
  readonly afterGc: readonly Readonly<Record<string, number>>[];
}

export interface MemoryBenchResult {
  readonly people: number;
  readonly loadAverage: number;
  readonly centralSeedSeconds: number;
  readonly download: DownloadFigures;
  readonly hour: HourFigures;
  /** The same Chromium and camera without the app: playing only, and reading every frame back. */
  readonly control: VideoControlResult;
  readonly rendererProcesses: number;
  readonly wallSeconds: number;
}


// ---------------------------------------------------------------------------
// Measuring

export interface Probe {
  readonly host: HostProcess;
  readonly hostPid: number;
  readonly rendererPid: number;
  readonly cdp: CDPSession;
}

export interface Reading {
  /** Simulated milliseconds since the hour started. */
  readonly simMs: number;
  readonly afterGc: boolean;
  readonly hostRss: number;
  readonly hostHeap: number;
  readonly rendererRss: number;
  readonly rendererAnon: number;
  readonly rendererShmem: number;
  readonly rendererJsHeap: number;
  /** The decode worker's JS heap in use, and which worker (a CDP target id); null when none was found. */
  readonly worker: { readonly id: string; readonly heap: number } | null;
  /** Scans done when this was read. */
  readonly scans: number;
}

export async function pageJsHeap(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

export type CdpCall = (method: string) => Promise<unknown>;

/**
 * The decode worker's JS heap in use (after a full GC in the worker when
 * asked), through the page's CDP session attached to the worker's target.
 */
export async function workerHeap(cdp: CDPSession, gc: boolean): Promise<{ id: string; heap: number } | null> {
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
  const worker = targetInfos.find((t) => t.type === 'worker' && t.url.includes('decode.worker'));
  if (!worker) return null;
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })) as { sessionId: string };
  const waiting = new Map<number, (result: unknown) => void>();
  const onMessage = (event: { sessionId: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  };
  cdp.on('Target.receivedMessageFromTarget', onMessage);
  let next = 1;
  const call: CdpCall = (method) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    });
  try {
    if (gc) {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
    }
    const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number };
    return { id: worker.targetId, heap: usage.usedSize };
  } finally {
    cdp.off('Target.receivedMessageFromTarget', onMessage);
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
  }
}

export async function read(probe: Probe, simMs: number, afterGc: boolean, scans: number): Promise<Reading> {
  if (afterGc) {
    // Twice each: the first full GC runs finalizers that let the second free more.
    await probe.cdp.send('HeapProfiler.collectGarbage');
    await probe.cdp.send('HeapProfiler.collectGarbage');
  }
  const worker = await workerHeap(probe.cdp, afterGc);
  const hostMemory = afterGc ? await probe.host.gc() : await probe.host.stats();
  const rendererJsHeap = await pageJsHeap(probe.cdp);
  const renderer = procMemory(probe.rendererPid);
  return {
    simMs,
    afterGc,
    hostRss: procMemory(probe.hostPid)?.rss ?? hostMemory.rss,
    hostHeap: hostMemory.heapUsed,
    rendererRss: renderer?.rss ?? Number.NaN,
    rendererAnon: renderer?.anon ?? Number.NaN,
    rendererShmem: renderer?.shmem ?? Number.NaN,
    rendererJsHeap,
    worker,
    scans,
  };
}

/** Polls both heaps every `everyMs` in the background (the download phase); keeps the highest. */
export function pollHeaps(probe: Probe, everyMs: number): { stop(): Promise<{ host: number; renderer: number }> } {
  let host = 0;
  let renderer = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const [h, r] = await Promise.all([probe.host.stats().catch(() => null), pageJsHeap(probe.cdp).catch(() => Number.NaN)]);
      if (h) host = Math.max(host, h.heapUsed);
      if (Number.isFinite(r)) renderer = Math.max(renderer, r);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { host, renderer };
    },
  };
}

export function seriesFigures(readings: readonly Reading[], pick: (r: Reading) => number, peak: number): SeriesFigures {
  const gced = readings.filter((r) => r.afterGc);
  const start = pick(gced[0] as Reading);
  const end = pick(gced[gced.length - 1] as Reading);
  const hourly = slope(gced.map((r) => ({ x: r.simMs / 3_600_000, y: pick(r) / MB })));
  return {
    startMb: toMb(start),
    endMb: toMb(end),
    peakMb: toMb(Math.max(peak, ...readings.map(pick))),
    growthMb: toMb(end - start, 2),
    slopeMbPerHour: round(hourly, 2),
  };
}

/** The worker's heap over the samples of the worker running at the end of the hour. */
export function workerFigures(readings: readonly Reading[]): { workerJsHeap: SeriesFigures | null; workerScans: number } {
  const lastId = readings[readings.length - 1]?.worker?.id;
  const same = readings.filter((r) => r.worker && r.worker.id === lastId);
  if (!lastId || same.filter((r) => r.afterGc).length < 2) return { workerJsHeap: null, workerScans: 0 };
  return {
    workerJsHeap: seriesFigures(same, (r) => r.worker?.heap ?? Number.NaN, 0),
    workerScans: (same[same.length - 1]?.scans ?? 0) - (same[0]?.scans ?? 0),
  };
}

