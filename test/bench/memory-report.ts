// The memory bench's section of docs/benchmarks.md (memory.ts measures).
import { round } from './stats';
import type { ControlSide, VideoControlResult } from './video-control';
import { GC_SAMPLE_EVERY, GROWTH_TOLERANCE_MB, LULL_MS, PLAIN_SAMPLE_EVERY, RENDERER_TARGET_MB, WARM_UP_SCANS } from './memory-settings';
import type { Breakdown, MemoryBenchResult, SeriesFigures } from './memory-probe';

// ---------------------------------------------------------------------------
// The section of docs/benchmarks.md

const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const mb = (value: number) => `${value} MB`;
const signed = (value: number) => `${value > 0 ? '+' : ''}${value} MB`;
const noGrowth = (s: SeriesFigures) => Math.abs(s.growthMb) <= GROWTH_TOLERANCE_MB;
const parts = (b: Breakdown) => `${mb(b.rssMb)} (private ${b.anonMb}, files ${b.fileMb}, shared memory ${b.shmemMb}; PSS ${b.pssMb})`;

function controlParagraph(c: VideoControlResult): string {
  const grew = (side: ControlSide) => round(side.endShmemMb - side.startShmemMb, 1);
  const line = (side: ControlSide) => `shared memory ${side.startShmemMb} → ${side.endShmemMb} MB (${signed(grew(side))}), RSS ${side.startRssMb} → ${side.endRssMb} MB`;
  return (
    `**Control, without the app**: the same Chromium and fake camera, three pages of a few lines side by side for ${c.seconds} s. ` +
    `Playing the camera only: ${line(c.play)}. ` +
    `Reading every frame back the common way (createImageBitmap(video), closed at once): ${line(c.readback)}. ` +
    `Reading every frame as the app's decode worker does (the track's VideoFrames from a MediaStreamTrackProcessor, copied out, closed at once): ${line(c.stream)}. ` +
    'The bitmaps\' shared memory is pooled by Chromium and not given back on close(), which is why the app reads VideoFrames (renderer/src/scanner/video-frames.ts) and falls back to bitmaps only where a browser has no MediaStreamTrackProcessor. ' +
    'Whether Electron\'s Chromium with a real camera and GPU pools the same way is not measured here.'
  );
}

function hourRow(name: string, s: SeriesFigures, target: string): string {
  return `| ${name} | ${mb(s.startMb)} | ${mb(s.endMb)} | ${mb(s.peakMb)} | ${signed(s.growthMb)} | ${signed(s.slopeMbPerHour)} | ${target} |`;
}

export function memorySection(r: MemoryBenchResult): string {
  const d = r.download;
  const h = r.hour;
  const footprintPeak = Math.max(d.rendererPeakFootprintMb, h.rendererFootprint.peakMb);
  const cards = Object.entries(h.cards)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  return [
    `## Memory: core process and renderer (roster download of ${r.people.toLocaleString()} people; an hour of scanning)`,
    '',
    'The core process is the browser host in its own Node process (the venue runtime, the sync service, the host\'s server and socket: what the Electron app\'s database utility process holds). ' +
      'The renderer is the page\'s process in Chromium (found by making the page work and seeing which renderer\'s CPU time moves). ' +
      'RSS comes from /proc: sampled every 250 ms, and the peak is the kernel\'s own high-water mark (VmHWM, reset at the start of each phase), so no peak between samples is missed. ' +
      'The heaps: the host\'s V8 heap in use (process.memoryUsage), the page\'s JS heap in use (CDP Performance.getMetrics, the main thread) and the decode worker\'s (CDP Runtime.getHeapUsage, attached to the worker; its WebAssembly memory is in the renderer\'s private memory, not in this figure). ' +
      '**The 150 MB target is judged on the renderer\'s memory footprint**: its private memory (heaps, stacks, buffers, the decoder\'s WebAssembly memory) plus the shared memory it holds (video frames, canvases), which is what Chromium\'s task manager shows for a tab and what Electron\'s process.getProcessMemoryInfo() calls private. ' +
      `RSS is shown beside it: it adds the pages of Chromium's own executable and libraries mapped into every renderer ("files", some 120-140 MB here; a page that only plays the camera has an RSS of ${r.control.play.startRssMb} MB, see the control below), and PSS divides those shared pages among the processes that map them. Load average when the download started: ${r.loadAverage}.`,
    '',
    `**Roster download**: a new device enrolls from its first-run screen (central address and one-time code; the central service in its own process over PGlite) and downloads ${r.people.toLocaleString()} people in ${d.seconds} s, the first-run screen showing its progress bar${d.progressShown ? '' : ' (NOT seen: the download was over before it showed)'}.`,
    '',
    '| process | peak RSS | peak private | peak footprint (private + shared) | peak heap | at the end | target |',
    '|---|---|---|---|---|---|---|',
    `| core process (host) | ${mb(d.hostPeakRssMb)} | ${mb(d.hostPeakAnonMb)} | | ${mb(d.hostPeakHeapMb)} (V8) | ${parts(d.hostEnd)} | |`,
    `| renderer (first-run screen) | ${mb(d.rendererPeakRssMb)} | ${mb(d.rendererPeakAnonMb)} | ${mb(d.rendererPeakFootprintMb)} | ${mb(d.rendererPeakJsHeapMb)} (JS) | ${parts(d.rendererEnd)} | footprint ≤ 150 MB: ${met(d.rendererPeakFootprintMb <= RENDERER_TARGET_MB)} |`,
    '',
    `**An hour at the reception desk, sped up**: ${h.scans} scans, one per 5 s of venue time, after ${WARM_UP_SCANS} warm-up scans not counted; signed in as reception, the camera on throughout. ` +
      `Cards: ${cards} (${h.unexpected} not as planned); ${h.checkIns} checked in; ${h.cameraReads} camera reads; one quiet spell of ${LULL_MS / 60_000} minutes half-way, in which the idle lock came on (${h.locks}×) and the same person unlocked. ` +
      `The page's clock (Playwright's) and the host's clock move on by the simulated time, so the idle lock, the sync bar (every 5 s) and the sync service (check-ins uploaded to the central service) run as over ${h.simulatedMinutes} minutes; it took ${h.wallSeconds} s. ` +
      `The camera is not sped up: it delivered and the worker decoded frames for those ${h.wallSeconds} s, not for an hour (a unit test, test/bench/decode/decoders.test.ts, reads 2,000 frames and holds the decoder to keeping nothing per read). ` +
      `Start and end are after a forced full GC in both processes (CDP HeapProfiler.collectGarbage; global.gc in the host), as is every ${GC_SAMPLE_EVERY}th scan's sample, from which the slope is fitted; other samples every ${PLAIN_SAMPLE_EVERY} scans. ` +
      `**No growth** means the heap after GC at the end is within ±${GROWTH_TOLERANCE_MB} MB of the start: over ${h.scans} scans that is about ${Math.round((GROWTH_TOLERANCE_MB * 1024) / h.scans * 10) / 10} KB a scan, less than one card's person and verdict kept per scan, more than the noise between GCs. ` +
      'RSS is shown beside it but not judged for growth: the host\'s includes SQLite\'s page cache (up to 64 MiB, cache_size = -65536), which fills as the hour touches new pages, and neither allocator gives every freed page back.',
    '',
    '| measure | start | end | peak | growth | slope per hour | target |',
    '|---|---|---|---|---|---|---|',
    hourRow('core process RSS', h.hostRss, ''),
    hourRow('core process V8 heap', h.hostHeap, `no growth: ${met(noGrowth(h.hostHeap))}`),
    hourRow('renderer footprint (private + shared)', h.rendererFootprint, `≤ 150 MB: ${met(h.rendererFootprint.peakMb <= RENDERER_TARGET_MB)}`),
    hourRow('… private', h.rendererAnon, ''),
    hourRow('… shared memory', h.rendererShmem, ''),
    hourRow('renderer RSS (with Chromium\'s mapped files)', h.rendererRss, ''),
    hourRow('renderer JS heap (page)', h.rendererJsHeap, `no growth: ${met(noGrowth(h.rendererJsHeap))}`),
    h.workerJsHeap
      ? hourRow(`decode worker JS heap (${h.workerScans} scans)`, h.workerJsHeap, `no growth: ${met(noGrowth(h.workerJsHeap))}`)
      : '| decode worker JS heap | not found | | | | | |',
    '',
    `At the end of the hour: core process ${parts(h.hostEnd)}; renderer ${parts(h.rendererEnd)}; all of Chromium's processes together ${mb(h.chromiumTotalRssMb)} of RSS (shared pages counted in each). ` +
      `Renderer footprint ≤ 150 MB over both phases: ${met(footprintPeak <= RENDERER_TARGET_MB)} (peak ${mb(footprintPeak)}). ` +
      'The decode worker\'s heap is judged over the worker running at the end: the reception screen gives way to the lock screen in the quiet spell and starts a new scanner, and a new worker, when it comes back. ' +
      `Setup, for context: seeding the central service took ${r.centralSeedSeconds} s; the whole group ${r.wallSeconds} s.`,
    '',
    controlParagraph(r.control),
  ].join('\n');
}

