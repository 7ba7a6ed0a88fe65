/**
 * Memory of the two processes a desk runs: the core process (the venue
 * runtime and the sync service; in Electron the database utility process,
 * here the browser host in its own process) and the renderer (the page in
 * Chromium), in two phases:
 *
 * 1. The roster download: a new device enrolls with the central service
 *    (server in its own process, PGlite) from the first-run screen, whose
 *    progress bar is on screen while the whole roster comes down.
 * 2. An hour at the reception desk, sped up: 720 scans, one per 5 s of venue
 *    time (handheld key bursts of admits and refusals, some checked in, a
 *    camera read now and then, the camera running throughout), one idle lull
 *    long enough for the idle lock, and the page's and the host's clocks moved
 *    on by the simulated time, so the idle lock, the sync bar's polling and
 *    the sync service behave as over the hour. It runs as fast as it goes.
 *
 * RSS comes from /proc (sampled every 250 ms, and the kernel's exact
 * high-water mark per phase); the heaps from the host's V8 (over its IPC
 * channel), the page's (CDP Performance.getMetrics) and the decode worker's
 * (CDP, attached to the worker). "No growth" is judged on the heaps after a
 * forced full GC. The renderer's 150 MB is judged on its memory footprint
 * (private plus shared memory, as Chromium's task manager counts it); its RSS
 * is shown too, of which some 120-140 MB are Chromium's own executable and
 * libraries, mapped into every renderer (a page that only plays the camera
 * has an RSS of about 141 MB: see the control).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { venueDate } from '../../src/common/time';
import { openCentralDb } from '../../server/db';
import { issueEnrollmentCode } from '../../server/enrollment';
import { importProducts, importRoster } from '../../server/roster';
import { addDesk, addMunicipality, addVenue } from '../../server/setup';
import { createStaff } from '../../server/staff';
import { DEMO_MUNICIPALITY, DEMO_STAFF, DEMO_VENUE, demoProductsCsv, ticketLine } from '../fixtures/demo';
import { syntheticRosterCsv } from '../fixtures/roster';
import { ticketQr, writeY4m } from '../e2e/support/video';
import { startServerProcess, type ServerProcess } from '../sync/support/server-process';
import { loadE2eKit, type E2eKit } from './e2e-kit';
import { startHostProcess, type HostProcess } from './host-process';
import { MB, RssSampler, chromiumProcesses, pageRendererPid, procMemory, procPss, resetPeak, slope, toMb } from './proc-memory';
import { ensureRendererBuilt } from './renderer-build';
import { round, since } from './stats';
import { videoControl, type ControlSide, type VideoControlResult } from './video-control';
import { planScans, type ScanStep } from './scan-plan';

export const RENDERER_TARGET_MB = 150;
/** One scan per 5 s of venue time. */
const SCAN_EVERY_MS = 5_000;
/** Scans before the hour starts (not counted): the first of each kind compiles and caches what every later one reuses. */
const WARM_UP_SCANS = 20;
/** A quiet spell half-way through, longer than the 5-minute idle lock. */
const LULL_MS = 6 * 60_000;
const PLAIN_SAMPLE_EVERY = 10;
const GC_SAMPLE_EVERY = 60;
/**
 * "No growth": the heap after a full GC at the end of the hour is within
 * this of the heap after a full GC at its start. 1 MB over 720 scans is about
 * 1.4 KB a scan: keeping one card's person and verdict per scan would exceed
 * it; an hour's worth of a few hundred bytes per scan (a log line, a
 * performance mark) would not, so the slope is reported beside it.
 */
export const GROWTH_TOLERANCE_MB = 1;
/** How long the control pages run side by side. */
const CONTROL_SECONDS = 20;

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

function breakdown(pid: number): Breakdown {
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
// The central service

/** The municipality, venue, desk, products, the demo staff and the roster; closed again so the server process can own it. */
async function seedCentral(dataDir: string, people: number, today: string): Promise<string> {
  const db = await openCentralDb({ dataDir, databaseUrl: null });
  try {
    await addMunicipality(db, { code: DEMO_MUNICIPALITY, name: '千代田区' });
    await addVenue(db, { municipality: DEMO_MUNICIPALITY, id: DEMO_VENUE.id, name: DEMO_VENUE.name });
    await addDesk(db, { venueId: DEMO_VENUE.id, id: 'R1', name: '受付1' });
    await importProducts(db, { municipality: DEMO_MUNICIPALITY, csv: demoProductsCsv() });
    for (const staff of Object.values(DEMO_STAFF)) {
      await createStaff(db, { municipality: DEMO_MUNICIPALITY, login: staff.login, displayName: staff.displayName, role: staff.role, password: staff.password }, new Date());
    }
    const csv = [...syntheticRosterCsv({ count: people, municipality: DEMO_MUNICIPALITY, venue: DEMO_VENUE.id, date: today, product: 'PFZ-COMIRNATY' })].join('');
    const summary = await importRoster(db, { municipality: DEMO_MUNICIPALITY, csv, today });
    if (summary.people !== people) throw new Error(`the central service imported ${summary.people} of ${people}`);
    return (await issueEnrollmentCode(db, { venueId: DEMO_VENUE.id, deskId: 'R1' }, new Date())).code;
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------
// Measuring

interface Probe {
  readonly host: HostProcess;
  readonly hostPid: number;
  readonly rendererPid: number;
  readonly cdp: CDPSession;
}

interface Reading {
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

async function pageJsHeap(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

type CdpCall = (method: string) => Promise<unknown>;

/**
 * The decode worker's JS heap in use (after a full GC in the worker when
 * asked), through the page's CDP session attached to the worker's target.
 */
async function workerHeap(cdp: CDPSession, gc: boolean): Promise<{ id: string; heap: number } | null> {
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

async function read(probe: Probe, simMs: number, afterGc: boolean, scans: number): Promise<Reading> {
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
function pollHeaps(probe: Probe, everyMs: number): { stop(): Promise<{ host: number; renderer: number }> } {
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

function seriesFigures(readings: readonly Reading[], pick: (r: Reading) => number, peak: number): SeriesFigures {
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
function workerFigures(readings: readonly Reading[]): { workerJsHeap: SeriesFigures | null; workerScans: number } {
  const lastId = readings[readings.length - 1]?.worker?.id;
  const same = readings.filter((r) => r.worker && r.worker.id === lastId);
  if (!lastId || same.filter((r) => r.afterGc).length < 2) return { workerJsHeap: null, workerScans: 0 };
  return {
    workerJsHeap: seriesFigures(same, (r) => r.worker?.heap ?? Number.NaN, 0),
    workerScans: (same[same.length - 1]?.scans ?? 0) - (same[0]?.scans ?? 0),
  };
}

// ---------------------------------------------------------------------------
// Phase 1: the roster download

async function downloadRoster(page: Page, probe: Probe, serverUrl: string, code: string, people: number, log: (line: string) => void): Promise<DownloadFigures> {
  await page.getByTestId('screen-setup').waitFor();
  await page.getByTestId('setup-server').fill(serverUrl);
  await page.getByTestId('setup-code').fill(code);
  resetPeak(probe.hostPid);
  resetPeak(probe.rendererPid);
  const sampler = new RssSampler({ host: probe.hostPid, renderer: probe.rendererPid });
  sampler.start();
  const heaps = pollHeaps(probe, 250);
  const started = performance.now();
  await page.getByTestId('setup-enroll').click();
  const progressShown = await page
    .getByTestId('enroll-progress')
    .waitFor({ timeout: 30_000 })
    .then(() => true, () => false);
  const report = setInterval(() => {
    void page
      .getByTestId('enroll-progress')
      .getAttribute('data-done', { timeout: 1_000 })
      .then((done) => log(`  ${Number(done ?? 0).toLocaleString()} of ${people.toLocaleString()} changes on the device`), () => undefined);
  }, 10_000);
  try {
    await page.getByTestId('screen-signin').waitFor({ timeout: 20 * 60_000 });
  } finally {
    clearInterval(report);
  }
  const seconds = since(started) / 1000;
  sampler.stop();
  const peakHeaps = await heaps.stop();
  const hostPeak = procMemory(probe.hostPid)?.hwm ?? 0;
  const rendererPeak = procMemory(probe.rendererPid)?.hwm ?? 0;
  const peopleOnDevice = await probe.host.people();
  if (peopleOnDevice !== people) throw new Error(`the device holds ${peopleOnDevice} of ${people} people`);
  return {
    seconds: round(seconds, 1),
    peopleOnDevice,
    progressShown,
    hostPeakRssMb: toMb(Math.max(hostPeak, sampler.max('host', 'rss'))),
    hostPeakAnonMb: toMb(sampler.max('host', 'anon')),
    hostPeakHeapMb: toMb(peakHeaps.host),
    hostEnd: breakdown(probe.hostPid),
    rendererPeakRssMb: toMb(Math.max(rendererPeak, sampler.max('renderer', 'rss'))),
    rendererPeakAnonMb: toMb(sampler.max('renderer', 'anon')),
    rendererPeakFootprintMb: toMb(sampler.max('renderer', 'footprint')),
    rendererPeakJsHeapMb: toMb(peakHeaps.renderer),
    rendererEnd: breakdown(probe.rendererPid),
  };
}

// ---------------------------------------------------------------------------
// Phase 2: an hour at the desk

interface Desk {
  readonly kit: E2eKit;
  readonly page: Page;
  readonly host: HostProcess;
  seq: number;
  simMs: number;
  readonly cards: Record<string, number>;
  unexpected: number;
  checkIns: number;
  cameraReads: number;
  locks: number;
}

/** Moves both clocks on: the page's (running every timer due, in order) and the host's. */
async function pass(desk: Desk, ms: number): Promise<void> {
  if (ms <= 0) return;
  await desk.page.clock.runFor(ms);
  await desk.host.advance(ms);
  desk.simMs += ms;
}

/** One scan slot of 5 s: the read, its card, maybe a check-in, then the rest of the 5 s passes. */
async function scan(desk: Desk, step: ScanStep): Promise<void> {
  const { page, kit } = desk;
  if (step.kind === 'camera') {
    await page.getByTestId('camera-restart').click();
    desk.cameraReads += 1;
  } else {
    await kit.handheldScan(page, step.text);
  }
  const card = await kit.nextVerdict(page, desk.seq, 20_000);
  desk.seq = card.seq;
  desk.cards[card.code] = (desk.cards[card.code] ?? 0) + 1;
  if (step.expect && card.code !== step.expect) desk.unexpected += 1;
  let used = 0;
  if (step.checkIn && card.code === 'OK') {
    // The key counts as a decision only once the card has been up for a moment (MIN_CARD_AGE_FOR_KEY_MS, page time).
    await pass(desk, 600);
    used = 600;
    // F2, the other check-in key: Enter is also ignored for 500 ms of real time after typed characters
    // (ENTER_QUIET_MS, on event.timeStamp, which no fake clock moves), and the bench runs faster than that.
    await page.keyboard.press('F2');
    await page.getByTestId('checked-in').waitFor({ timeout: 10_000 });
    desk.checkIns += 1;
  }
  await pass(desk, SCAN_EVERY_MS - used);
}

/** Nobody at the desk for longer than the idle lock: it locks; the same person unlocks; the camera starts again and reads. */
async function lull(desk: Desk): Promise<void> {
  const { page, kit } = desk;
  await pass(desk, LULL_MS);
  await page.getByTestId('lock-screen').waitFor({ timeout: 10_000 });
  desk.locks += 1;
  await page.getByTestId('unlock-password').fill(DEMO_STAFF.reception.password);
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId('screen-reception').waitFor({ timeout: 20_000 });
  const card = await kit.nextVerdict(page, desk.seq, 20_000);
  desk.seq = card.seq;
  desk.cameraReads += 1;
}

async function runHour(desk: Desk, probe: Probe, sampler: RssSampler, scans: number, firstTicket: number, unknownFrom: number, log: (line: string) => void): Promise<Reading[]> {
  for (const step of planScans(WARM_UP_SCANS, { firstTicket, unknownFrom, offset: 0 })) await scan(desk, step);
  desk.simMs = 0;
  const plan = planScans(scans, { firstTicket: firstTicket + WARM_UP_SCANS, unknownFrom: unknownFrom + WARM_UP_SCANS, offset: WARM_UP_SCANS });
  for (const code of Object.keys(desk.cards)) delete desk.cards[code];
  Object.assign(desk, { unexpected: 0, checkIns: 0, cameraReads: 0, locks: 0 });
  const readings: Reading[] = [await read(probe, 0, true, 0)];
  resetPeak(probe.hostPid);
  resetPeak(probe.rendererPid);
  sampler.start();
  for (const [i, step] of plan.entries()) {
    if (i === Math.floor(scans / 2)) await lull(desk);
    await scan(desk, step);
    const done = i + 1;
    if (done % GC_SAMPLE_EVERY === 0 || done === scans) readings.push(await read(probe, desk.simMs, true, done));
    else if (done % PLAIN_SAMPLE_EVERY === 0) readings.push(await read(probe, desk.simMs, false, done));
    if (done % 120 === 0) log(`  ${done} of ${scans} scans, ${Math.round(desk.simMs / 60_000)} simulated minutes`);
  }
  sampler.stop();
  return readings;
}

async function signInForTheHour(kit: E2eKit, page: Page): Promise<number> {
  await kit.signIn(page, 'reception');
  await page.getByTestId('screen-reception').waitFor();
  // The camera comes on with ticket 1 in view: its first read.
  return (await kit.nextVerdict(page, 0, 30_000)).seq;
}

// ---------------------------------------------------------------------------

export async function benchMemory(options: { people: number; scans?: number; log?: (line: string) => void }): Promise<MemoryBenchResult> {
  const log = options.log ?? (() => {});
  const scans = options.scans ?? 720;
  const started = performance.now();
  await ensureRendererBuilt(log);
  const kit = await loadE2eKit();
  const dir = mkdtempSync(join(tmpdir(), 'venue-bench-memory-'));
  let server: ServerProcess | null = null;
  let host: HostProcess | null = null;
  let browser: Browser | null = null;
  try {
    log(`seeding the central service with ${options.people.toLocaleString()} people…`);
    const seedStarted = performance.now();
    const code = await seedCentral(join(dir, 'central'), options.people, venueDate(new Date()));
    const centralSeedSeconds = since(seedStarted) / 1000;
    server = await startServerProcess({ dataDir: join(dir, 'central') });
    host = await startHostProcess({ dataDir: join(dir, 'device') });
    // The camera shows ticket 1 of the roster throughout the hour.
    writeY4m(join(dir, 'qr.y4m'), [{ picture: ticketQr(ticketLine('0000000001')), frames: 1 }]);
    browser = await kit.launchChromium({ video: join(dir, 'qr.y4m') });
    const { page } = await kit.openDesk(browser, host.url, { beforeLoad: (context) => context.clock.install() });
    await page.getByTestId('screen-setup').waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const renderer = await pageRendererPid(browser, page);
    let probe: Probe = { host, hostPid: host.pid, rendererPid: renderer.pid, cdp };
    const loadAverage = loadavg()[0] ?? 0;

    log(`roster download to the new device, first-run screen open (host pid ${host.pid}, renderer pid ${renderer.pid})…`);
    const download = await downloadRoster(page, probe, server.url, code, options.people, log);
    log(`  done in ${download.seconds} s; host peak ${download.hostPeakRssMb} MB, renderer peak ${download.rendererPeakRssMb} MB`);

    log(`an hour at the desk, sped up: ${scans} scans…`);
    const firstSeq = await signInForTheHour(kit, page);
    // Signing in may have moved the page to another renderer process: find it again.
    probe = { ...probe, rendererPid: (await pageRendererPid(browser, page)).pid };
    const now = await page.evaluate(() => Date.now());
    await page.clock.pauseAt(now + 1_000);
    const desk: Desk = { kit, page, host, seq: firstSeq, simMs: 0, cards: {}, unexpected: 0, checkIns: 0, cameraReads: 0, locks: 0 };
    const sampler = new RssSampler({ host: probe.hostPid, renderer: probe.rendererPid });
    const hourStarted = performance.now();
    const logLinesBefore = (await host.stats()).logLines;
    // Tickets 2… are admitted (ticket 1 is the camera's); numbers past the roster are unknown.
    const readings = await runHour(desk, probe, sampler, scans, 2, options.people + 1, log);
    const wallSeconds = since(hourStarted) / 1000;
    const hostLogLines = (await host.stats()).logLines - logLinesBefore;
    const performanceEntries = await page.evaluate(() => performance.getEntries().length);
    const hostPeak = Math.max(procMemory(probe.hostPid)?.hwm ?? 0, sampler.max('host', 'rss'));
    const rendererPeak = Math.max(procMemory(probe.rendererPid)?.hwm ?? 0, sampler.max('renderer', 'rss'));
    const chromium = await chromiumProcesses(browser);
    const chromiumTotal = chromium.reduce((sum, p) => sum + (procMemory(p.pid)?.rss ?? 0), 0);
    const hour: HourFigures = {
      scans,
      simulatedMinutes: Math.round(desk.simMs / 60_000),
      wallSeconds: round(wallSeconds, 1),
      hostRss: seriesFigures(readings, (r) => r.hostRss, hostPeak),
      hostHeap: seriesFigures(readings, (r) => r.hostHeap, 0),
      rendererRss: seriesFigures(readings, (r) => r.rendererRss, rendererPeak),
      rendererAnon: seriesFigures(readings, (r) => r.rendererAnon, sampler.max('renderer', 'anon')),
      rendererShmem: seriesFigures(readings, (r) => r.rendererShmem, 0),
      rendererFootprint: seriesFigures(readings, (r) => r.rendererAnon + r.rendererShmem, sampler.max('renderer', 'footprint')),
      rendererJsHeap: seriesFigures(readings, (r) => r.rendererJsHeap, 0),
      ...workerFigures(readings),
      hostPeakAnonMb: toMb(sampler.max('host', 'anon')),
      rendererPeakAnonMb: toMb(sampler.max('renderer', 'anon')),
      hostEnd: breakdown(probe.hostPid),
      rendererEnd: breakdown(probe.rendererPid),
      cards: { ...desk.cards },
      unexpected: desk.unexpected,
      checkIns: desk.checkIns,
      cameraReads: desk.cameraReads,
      locks: desk.locks,
      performanceEntries,
      hostLogLines,
      chromiumTotalRssMb: toMb(chromiumTotal),
      afterGc: readings
        .filter((r) => r.afterGc)
        .map((r) => ({
          minute: Math.round(r.simMs / 60_000),
          hostRss: toMb(r.hostRss),
          hostHeap: toMb(r.hostHeap),
          rendererRss: toMb(r.rendererRss),
          rendererPrivate: toMb(r.rendererAnon),
          rendererShared: toMb(r.rendererShmem),
          rendererJsHeap: toMb(r.rendererJsHeap),
          workerJsHeap: r.worker ? toMb(r.worker.heap, 2) : Number.NaN,
        })),
    };
    await browser.close();
    browser = null;
    log(`the control: the same camera in a page without the app, playing only and reading every frame back (${CONTROL_SECONDS} s)…`);
    const control = await videoControl(kit, join(dir, 'qr.y4m'), CONTROL_SECONDS);
    return {
      people: options.people,
      loadAverage: round(loadAverage, 1),
      centralSeedSeconds: round(centralSeedSeconds, 1),
      download,
      hour,
      control,
      rendererProcesses: renderer.renderers,
      wallSeconds: round(since(started) / 1000, 1),
    };
  } finally {
    await browser?.close();
    await host?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

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
