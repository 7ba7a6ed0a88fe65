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
import type { Browser } from 'playwright-core';
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
import { loadE2eKit } from './e2e-kit';
import { startHostProcess, type HostProcess } from './host-process';
import { RssSampler, chromiumProcesses, pageRendererPid, procMemory, toMb } from './proc-memory';
import { ensureRendererBuilt } from './renderer-build';
import { round, since } from './stats';
import { videoControl } from './video-control';
import { CONTROL_SECONDS } from './memory-settings';
import { breakdown, seriesFigures, workerFigures, type HourFigures, type MemoryBenchResult, type Probe } from './memory-probe';
import { downloadRoster, runHour, signInForTheHour, type Desk } from './memory-desk';

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

