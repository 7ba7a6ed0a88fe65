// The memory bench's two phases as a desk lives them (memory.ts): the roster download, and an hour of scans with a lull.
import type { Page } from 'playwright-core';
import { DEMO_STAFF } from '../fixtures/demo';
import type { E2eKit } from './e2e-kit';
import type { HostProcess } from './host-process';
import { RssSampler, procMemory, resetPeak, toMb } from './proc-memory';
import { round, since } from './stats';
import { planScans, type ScanStep } from './scan-plan';
import { GC_SAMPLE_EVERY, LULL_MS, PLAIN_SAMPLE_EVERY, SCAN_EVERY_MS, WARM_UP_SCANS } from './memory-settings';
import { breakdown, read, pollHeaps, type DownloadFigures, type Probe, type Reading } from './memory-probe';

// ---------------------------------------------------------------------------
// Phase 1: the roster download

export async function downloadRoster(page: Page, probe: Probe, serverUrl: string, code: string, people: number, log: (line: string) => void): Promise<DownloadFigures> {
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

export interface Desk {
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
export async function pass(desk: Desk, ms: number): Promise<void> {
  if (ms <= 0) return;
  await desk.page.clock.runFor(ms);
  await desk.host.advance(ms);
  desk.simMs += ms;
}

/** One scan slot of 5 s: the read, its card, maybe a check-in, then the rest of the 5 s passes. */
export async function scan(desk: Desk, step: ScanStep): Promise<void> {
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
export async function lull(desk: Desk): Promise<void> {
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

export async function runHour(desk: Desk, probe: Probe, sampler: RssSampler, scans: number, firstTicket: number, unknownFrom: number, log: (line: string) => void): Promise<Reading[]> {
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

export async function signInForTheHour(kit: E2eKit, page: Page): Promise<number> {
  await kit.signIn(page, 'reception');
  await page.getByTestId('screen-reception').waitFor();
  // The camera comes on with ticket 1 in view: its first read.
  return (await kit.nextVerdict(page, 0, 30_000)).seq;
}

