/**
 * The vaccination booth in real Chromium. Reception (its own browser, its own
 * connection) checks people in; the nurse's queue shows them within moments,
 * pushed by the host, no reload. The nurse's camera reads the vial's GS1
 * DataMatrix, which switches the desk's lot; the dose is recorded with it and
 * the confirmation shows what was saved.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, venueDate } from '../../src/common/time';
import { DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { currentSeq, handheldScan, nextVerdict, signIn, checkInOnCard, pressAfterAPause } from './support/desk';
import { lotIdOf } from './support/core';
import { startTestHost, type TestHost } from './support/host';
import { gs1DataMatrix, writeY4m } from './support/video';

let host: TestHost;
let receptionBrowser: Browser;
let nurseBrowser: Browser;
let reception: Page;
let nurse: Page;
let videos: string;

/** The demo lot FA1234 expires 120 days after the day the venue was seeded. */
function vialElementString(): string {
  const expiry = addDays(venueDate(new Date()), 120).replace(/-/g, '').slice(2);
  return `(01)04987123456784(17)${expiry}(10)FA1234`;
}

async function checkIn(number: string, dose = 1): Promise<void> {
  const seq = await currentSeq(reception);
  await handheldScan(reception, ticketLine(number, dose));
  expect((await nextVerdict(reception, seq)).code).toBe('OK');
  await checkInOnCard(reception);
}

beforeAll(async () => {
  videos = mkdtempSync(join(tmpdir(), 'venue-video-'));
  writeY4m(join(videos, 'vial.y4m'), [{ picture: gs1DataMatrix(vialElementString()), frames: 1 }]);
  host = await startTestHost();
  // Reception uses the handheld scanner only; its camera shows Chromium's own test pattern.
  receptionBrowser = await launchChromium();
  nurseBrowser = await launchChromium({ video: join(videos, 'vial.y4m') });
  ({ page: reception } = await openDesk(receptionBrowser, host.url));
  ({ page: nurse } = await openDesk(nurseBrowser, host.url));
  await signIn(reception, 'reception');
  await signIn(nurse, 'nurse');
});

afterAll(async () => {
  await receptionBrowser?.close();
  await nurseBrowser?.close();
  await host?.dispose();
  rmSync(videos, { recursive: true, force: true });
});

describe('nurse', () => {
  it('switches the desk’s lot by scanning the vial (GS1 DataMatrix) with the camera', async () => {
    await nurse.getByTestId('screen-nurse').waitFor();
    expect(await nurse.getByTestId('queue-count').textContent()).toBe('0');
    const notice = nurse.getByTestId('nurse-notice');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.getAttribute('data-tone')).toBe('ok');
    expect(await notice.textContent()).toContain('ロットを FA1234 に切り替えました');
    expect(await nurse.getByTestId('lot-select').inputValue()).toBe(lotIdOf(host, 'FA1234'));
    const desk = host.db.prepare(`SELECT active_lot_id AS lot FROM desks WHERE id = 'R1'`).get() as { lot: string };
    expect(desk.lot).toBe(lotIdOf(host, 'FA1234'));
  });

  it('shows a check-in from another desk in the queue within moments, without a reload', async () => {
    const started = Date.now();
    await checkIn(T.ok);
    await nurse.getByTestId('queue-item').first().waitFor({ timeout: 5_000 });
    const waited = Date.now() - started;
    expect(waited).toBeLessThan(5_000);
    expect(await nurse.getByTestId('queue-count').textContent()).toBe('1');
    expect(await nurse.getByTestId('queue-item').first().textContent()).toContain('山田 太郎');
    await saveScreen(nurse, 'nurse-queue');
  });

  it('records the dose with the scanned lot pre-filled and confirms what was saved', async () => {
    await nurse.getByTestId('queue-item').first().click();
    await nurse.getByTestId('dose-form').waitFor();
    expect(await nurse.getByTestId('person-kanji').textContent()).toBe('山田 太郎');
    expect(await nurse.getByTestId('dose-number').textContent()).toContain('1回目');
    expect(await nurse.getByTestId('lot-select').inputValue()).toBe(lotIdOf(host, 'FA1234'));
    // The booked product and the doses before stand next to the lot; the lot matches: nothing to confirm.
    expect(await nurse.getByTestId('booked-product').textContent()).toContain('コミナティ');
    expect(await nurse.getByTestId('previous-none').count()).toBe(1);
    expect(await nurse.getByTestId('dose-check').count()).toBe(0);
    await nurse.getByTestId('site-left_arm').check();
    await nurse.getByTestId('doctor').fill('予診 医師');
    await saveScreen(nurse, 'nurse-dose-form');
    await nurse.getByTestId('record-dose-button').click();
    const saved = nurse.getByTestId('dose-saved');
    await saved.waitFor();
    expect(await saved.getAttribute('data-status')).toBe('performed');
    expect(await nurse.getByTestId('saved-lot').textContent()).toBe('FA1234');
    expect(await nurse.getByTestId('saved-dose').textContent()).toContain('1回目');
    expect(await saved.textContent()).toContain('山田 太郎');
    expect(await saved.textContent()).toContain('左腕');
    await saveScreen(nurse, 'nurse-dose-saved');
    const row = host.db
      .prepare(`SELECT d.status, l.lot_number AS lot, d.site, d.dose_number AS dose FROM dose_records d JOIN lots l ON l.id = d.lot_id WHERE d.ticket_number = ?`)
      .get(T.ok) as { status: string; lot: string; site: string; dose: number };
    expect(row).toEqual({ status: 'performed', lot: 'FA1234', site: 'left_arm', dose: 1 });
    await expect.poll(() => nurse.getByTestId('queue-count').textContent()).toBe('0');
    await nurse.getByTestId('next-person').click();
  });

  it('finds the person by scanning their ticket again at the booth (handheld)', async () => {
    await checkIn(T.okNw7);
    await nurse.getByTestId('queue-item').first().waitFor({ timeout: 5_000 });
    await handheldScan(nurse, `A${T.okNw7}A`);
    await nurse.getByTestId('dose-form').waitFor();
    expect(await nurse.getByTestId('person-kanji').textContent()).toBe('髙橋 一郎');
    // The desk's lot carries over to the next person.
    expect(await nurse.getByTestId('lot-select').inputValue()).toBe(lotIdOf(host, 'FA1234'));
  });

  it('records “not given” with a reason', async () => {
    await nurse.getByTestId('not-performed-button').click();
    await nurse.getByTestId('reason-fever').check();
    await saveScreen(nurse, 'nurse-not-performed');
    await nurse.getByTestId('save-not-performed').click();
    const saved = nurse.getByTestId('dose-saved');
    await saved.waitFor();
    expect(await saved.getAttribute('data-status')).toBe('not_performed');
    expect(await nurse.getByTestId('saved-reason').textContent()).toContain('発熱');
    const row = host.db.prepare(`SELECT status, reason, lot_id AS lot FROM dose_records WHERE ticket_number = ?`).get(T.okNw7) as { status: string; reason: string; lot: string | null };
    expect(row.status).toBe('not_performed');
    expect(row.reason).toContain('発熱');
    expect(row.lot).toBeNull();
    await nurse.getByTestId('next-person').click();
  });

  it('tells the nurse when a scanned ticket is not in the queue', async () => {
    await handheldScan(nurse, ticketLine(T.bookedOtherDay));
    await nurse.getByText('受付済みの一覧にいません').waitFor();
    // The notice comes with the card's "checking…"; the verdict follows with the core's answer.
    await expect.poll(() => nurse.getByTestId('verdict').getAttribute('data-verdict')).toBe('NOT_BOOKED_TODAY');
    expect(await nurse.getByTestId('dose-form').count()).toBe(0);
  });

  it('picks a lot from the list as well', async () => {
    await checkIn(T.okSecond, 2);
    await nurse.getByTestId('queue-item').first().waitFor({ timeout: 5_000 });
    await nurse.getByTestId('queue-item').first().click();
    await nurse.getByTestId('lot-select').selectOption(lotIdOf(host, 'FB5678'));
    await expect
      .poll(() => (host.db.prepare(`SELECT active_lot_id AS lot FROM desks WHERE id = 'R1'`).get() as { lot: string }).lot)
      .toBe(lotIdOf(host, 'FB5678'));
    await nurse.getByTestId('site-right_arm').check();
    // The doctor typed for the person before stays for the next one.
    expect(await nurse.getByTestId('doctor').inputValue()).toBe('予診 医師');
    // Enter records (no field focused).
    await nurse.locator('h2#dose-title').click();
    await pressAfterAPause(nurse, 'Enter');
    await nurse.getByTestId('dose-saved').waitFor();
    expect(await nurse.getByTestId('saved-lot').textContent()).toBe('FB5678');
    expect(await nurse.getByTestId('saved-dose').textContent()).toContain('2回目');
  });
});
