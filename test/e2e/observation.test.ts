/**
 * After the dose, in real Chromium. The nurse records dose 1 of a set
 * booking: the dose-2 appointment shows at once (和暦 and 西暦, with the
 * slot) and the person's slip prints at label size (PDF). The person is on
 * the observation board with a countdown; Playwright's fake clock (and the
 * host's clock, moved as far) jump past 15 minutes: the item says time is
 * up, the alert sounds, and the nurse releases them. Someone asked to wait
 * 30 minutes is referred to the doctor with a note. Reception, scanning the
 * ticket of the person just vaccinated, prints the same slip.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, venueDate } from '../../src/common/time';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen, SCREENS_DIR } from './support/browser';
import { currentSeq, handheldScan, nextVerdict, signIn } from './support/desk';
import { coreDesk, lotIdOf } from './support/core';
import { startTestHost, type TestHost } from './support/host';

const RESULTS = resolve(import.meta.dirname, '../../test-results');

/** How far the host's clock runs ahead of the real one (moved together with the page's fake clock). */
let ahead = 0;
let host: TestHost;
let browser: Browser;
let nurse: Page;
let reception: Page;

function checkIn(number: string): void {
  const reply = coreDesk(host, 'reception').call('checkIn', { municipality: M, number });
  if (!reply.ok || !(reply.value as { checkedIn: boolean }).checkedIn) throw new Error(`check-in of ${number} failed`);
}

async function recordFor(number: string, minutes: 15 | 30): Promise<void> {
  await nurse.getByTestId('nav-nurse').click();
  await nurse.locator(`[data-testid="queue-item"][data-ticket="${number}"]`).click();
  await nurse.getByTestId('dose-form').waitFor();
  await nurse.getByTestId('lot-select').selectOption(lotIdOf(host, 'FA1234'));
  await nurse.getByTestId(`observe-${minutes}`).check();
  await nurse.getByTestId('site-left_arm').check();
  await nurse.getByTestId('doctor').fill('予診 医師');
  await nurse.getByTestId('record-dose-button').click();
  await nurse.getByTestId('dose-saved').waitFor();
}

function item(number: string) {
  const doseId = (host.db.prepare(`SELECT id FROM dose_records WHERE ticket_number = ?`).get(number) as { id: string }).id;
  return { doseId, locator: nurse.locator(`[data-testid="observation-item"][data-dose-id="${doseId}"]`) };
}

beforeAll(async () => {
  host = await startTestHost({ clock: { now: () => new Date(Date.now() + ahead) } });
  // The jump past the observation time must not look like an idle desk.
  const configured = coreDesk(host, 'supervisor').call('configureDevice', { idleLockMinutes: 60 });
  if (!configured.ok) throw new Error(configured.error.message.en);
  checkIn(T.ok);
  browser = await launchChromium();
  ({ page: nurse } = await openDesk(browser, host.url, {
    beforeLoad: async (context) => {
      await context.clock.install();
      // window.print() would open a print dialog; the test counts the calls and makes the PDF itself.
      await context.addInitScript(() => {
        Object.assign(window, { printed: 0 });
        window.print = () => Object.assign(window, { printed: (window as unknown as { printed: number }).printed + 1 });
      });
    },
  }));
  ({ page: reception } = await openDesk(browser, host.url));
  await signIn(nurse, 'nurse');
  await signIn(reception, 'reception');
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

describe('after the dose', () => {
  it('shows the set booking’s dose-2 appointment when dose 1 is recorded, and prints the slip at label size', async () => {
    await recordFor(T.ok, 15);
    const next = nurse.getByTestId('next-booking');
    await next.waitFor();
    const today = venueDate(new Date(Date.now() + ahead));
    const dose2 = addDays(today, 21);
    expect(await next.getAttribute('data-date')).toBe(dose2);
    expect(await next.getAttribute('data-slot')).toBe('10:00-10:30');
    const shown = (await next.textContent()) ?? '';
    // Both calendars: 令和… and the Western year.
    expect(shown).toMatch(/令和\d+年/);
    expect(shown).toContain(`${Number(dose2.slice(0, 4))}年${Number(dose2.slice(5, 7))}月${Number(dose2.slice(8, 10))}日`);
    expect(shown).toContain('2回目');
    expect(await nurse.getByTestId('saved-observe').textContent()).toContain('15分');
    await saveScreen(nurse, 'slip');

    await nurse.getByTestId('print-slip').click();
    expect(await nurse.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    expect(await nurse.evaluate(() => document.documentElement.dataset.print)).toBe('slip');
    const sheet = nurse.getByTestId('slip-sheet');
    expect(await sheet.getByTestId('slip-lot').textContent()).toBe('FA1234');
    const printed = (await sheet.textContent()) ?? '';
    for (const fact of ['区民会館ホール', 'コミナティ筋注', '1回目', '次回（2回目）のご予約', '10:00–10:30']) expect(printed).toContain(fact);
    // The slip is for the person's 接種済証: no name, no ticket number.
    expect(printed).not.toContain('山田');
    expect(printed).not.toContain(T.ok);
    // The PDF is of the slip alone, as the label printer would get it.
    expect(await nurse.evaluate(() => document.documentElement.dataset.print)).toBe('slip');
    mkdirSync(RESULTS, { recursive: true });
    const path = resolve(RESULTS, 'slip.pdf');
    await nurse.pdf({ path, preferCSSPageSize: true, printBackground: true });
    const pdf = readFileSync(path).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    // 62 mm × 100 mm is about 176 × 283 points: a label, not an A4 page.
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf);
    expect(Number(box?.[1])).toBeCloseTo(176, 0);
    expect(Number(box?.[2])).toBeCloseTo(283, 0);
    // Making the PDF ends a print (afterprint): mark the slip again for a picture of the printed sheet.
    await nurse.evaluate(() => (document.documentElement.dataset.print = 'slip'));
    await nurse.emulateMedia({ media: 'print' });
    mkdirSync(SCREENS_DIR, { recursive: true });
    await sheet.screenshot({ path: resolve(SCREENS_DIR, 'slip-print.png') });
    await nurse.emulateMedia({ media: null });
    await nurse.evaluate(() => delete document.documentElement.dataset.print);
    await nurse.getByTestId('next-person').click();
  });

  it('puts the person on the observation board with a countdown; past 15 minutes they are due, alerted, and released', async () => {
    await nurse.getByTestId('nav-observation').click();
    const { doseId, locator } = item(T.ok);
    await locator.waitFor();
    expect(await locator.getAttribute('data-due')).toBe('false');
    expect(await locator.getAttribute('data-minutes')).toBe('15');
    // Time left, in words that cannot be read as a clock time.
    expect(await locator.getByTestId('countdown').textContent()).toMatch(/^あと1[45]分\d{2}秒$/);
    expect(await locator.getByTestId('release-button').isDisabled()).toBe(true);
    expect(await nurse.evaluate(() => document.documentElement.dataset.soundAlert ?? '0')).toBe('0');

    ahead += 16 * 60_000;
    await nurse.clock.fastForward('16:00');
    await expect.poll(() => locator.getAttribute('data-due')).toBe('true');
    expect(await locator.textContent()).toContain('時間です');
    expect(await locator.getByTestId('countdown').textContent()).toMatch(/^\d+分\d{2}秒 超過$/);
    expect(await nurse.getByTestId('observation-alert').textContent()).toContain('1人');
    expect(await nurse.getByTestId('observation-due-badge').getAttribute('data-due')).toBe('1');
    await expect.poll(() => nurse.evaluate(() => document.documentElement.dataset.soundAlert)).toBe('1');
    await saveScreen(nurse, 'observation-due');

    await locator.getByTestId('release-button').click();
    await expect.poll(() => locator.count()).toBe(0);
    const ended = host.db.prepare(`SELECT outcome, outcome_by IS NOT NULL AS byWhom FROM observations WHERE dose_id = ?`).get(doseId);
    expect(ended).toEqual({ outcome: 'released', byWhom: 1 });
    expect(await nurse.getByTestId('observation-due-badge').count()).toBe(0);
  });

  it('keeps 30 minutes when the nurse asks for it, and refers a person to the doctor with a note', async () => {
    checkIn(T.okNw7);
    await nurse.getByTestId('nav-nurse').click();
    await nurse.locator(`[data-testid="queue-item"][data-ticket="${T.okNw7}"]`).waitFor();
    await recordFor(T.okNw7, 30);
    expect(await nurse.getByTestId('saved-observe').textContent()).toContain('30分');
    await nurse.getByTestId('next-person').click();
    await nurse.getByTestId('nav-observation').click();
    const { doseId, locator } = item(T.okNw7);
    await locator.waitFor();
    expect(await locator.getAttribute('data-minutes')).toBe('30');
    expect(await locator.getAttribute('data-due')).toBe('false');
    await saveScreen(nurse, 'observation-board');
    // Reception sees the board too (to call a nurse), without the nurse's buttons.
    await reception.getByTestId('nav-observation').click();
    const seen = reception.locator(`[data-testid="observation-item"][data-dose-id="${doseId}"]`);
    await seen.waitFor();
    // (This page's clock was not moved with the host's, so only the form of the countdown is checked.)
    expect(await seen.getByTestId('countdown').textContent()).toMatch(/^あと\d+分\d{2}秒$/);
    expect(await seen.getAttribute('data-due')).toBe('false');
    expect(await seen.getByTestId('release-button').count()).toBe(0);
    expect(await seen.getByTestId('refer-button').count()).toBe(0);
    await reception.getByTestId('nav-reception').click();
    await locator.getByTestId('refer-button').click();
    await locator.getByTestId('refer-note').fill('気分不良の訴えあり、医師へ');
    await locator.getByTestId('refer-confirm').click();
    await expect.poll(() => locator.count()).toBe(0);
    expect(host.db.prepare(`SELECT outcome, note FROM observations WHERE dose_id = ?`).get(doseId)).toEqual({ outcome: 'referred', note: '気分不良の訴えあり、医師へ' });
  });

  it('reception prints the slip for the person who just had dose 1, from their card', async () => {
    const seq = await currentSeq(reception);
    await handheldScan(reception, ticketLine(T.ok));
    // Vaccinated here today: the calm card, the slip at hand.
    expect((await nextVerdict(reception, seq)).code).toBe('VACCINATED_TODAY');
    await reception.getByTestId('reception-slip-open').click();
    const slip = reception.getByTestId('dose-slip');
    await slip.waitFor();
    expect(await slip.getByTestId('slip-lot').textContent()).toBe('FA1234');
    expect(await reception.getByTestId('reception-slip').getByTestId('next-booking').getAttribute('data-slot')).toBe('10:00-10:30');
    expect(await reception.getByTestId('print-slip').isEnabled()).toBe(true);
    await saveScreen(reception, 'reception-slip');
  });
});
