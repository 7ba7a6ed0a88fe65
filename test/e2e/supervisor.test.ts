/**
 * The supervisor in real Chromium, next to a reception desk: today's counts,
 * desks and their lots, adding a lot from a scanned box, approving a walk-in
 * (reception's card turns to "admit" by itself), voiding a record with a
 * reason, and the settings screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, venueDate } from '../../src/common/time';
import { DEMO_MUNICIPALITY, DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { currentSeq, handheldScan, nextVerdict, signIn, checkInOnCard } from './support/desk';
import { coreDesk, lotIdOf } from './support/core';
import { startTestHost, type TestHost } from './support/host';

let host: TestHost;
let browser: Browser;
let supervisor: Page;
let reception: Page;

beforeAll(async () => {
  host = await startTestHost();
  browser = await launchChromium();
  ({ page: supervisor } = await openDesk(browser, host.url));
  ({ page: reception } = await openDesk(browser, host.url));
  await signIn(supervisor, 'supervisor');
  await signIn(reception, 'reception');
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

async function count(name: string): Promise<number> {
  return Number(await supervisor.getByTestId(`count-${name}`).locator('dd').textContent());
}

describe('supervisor', () => {
  it('shows today’s counts so far, and they move when a desk checks someone in', async () => {
    await supervisor.getByTestId('screen-supervisor').waitFor();
    await expect.poll(() => count('booked')).toBeGreaterThan(0);
    expect(await count('checkedIn')).toBe(0);
    const desk = coreDesk(host, 'nurse');
    const checkIn = desk.call('checkIn', { municipality: DEMO_MUNICIPALITY, number: T.ok });
    // A nurse may not check people in: the core refuses, the count stays.
    expect(checkIn.ok).toBe(false);
    const seq = await currentSeq(reception);
    await handheldScan(reception, ticketLine(T.ok));
    expect((await nextVerdict(reception, seq)).code).toBe('OK');
    await checkInOnCard(reception);
    await expect.poll(() => count('checkedIn')).toBe(1);
    await expect.poll(() => count('waiting')).toBe(1);
  });

  it('sets a desk’s active lot', async () => {
    const row = supervisor.locator('[data-testid="desk-row"][data-desk="N1"]');
    await row.getByTestId('desk-lot-select').selectOption(lotIdOf(host, 'MS0001'));
    await expect.poll(() => row.getByTestId('desk-lot').textContent()).toContain('MS0001');
    const desk = host.db.prepare(`SELECT active_lot_id AS lot FROM desks WHERE id = 'N1'`).get() as { lot: string };
    expect(desk.lot).toBe(lotIdOf(host, 'MS0001'));
  });

  it('adds a lot from a scanned box (handheld GS1 read fills the form)', async () => {
    const expiry = addDays(venueDate(new Date()), 200);
    // A handheld 2D imager sends the element string with GS between variable fields.
    await handheldScan(supervisor, `]d201049871234567841${'7'}${expiry.replace(/-/g, '').slice(2)}10FC9999`);
    await expect.poll(() => supervisor.getByTestId('add-lot-number').inputValue()).toBe('FC9999');
    expect(await supervisor.getByTestId('add-lot-product').inputValue()).toBe('PFZ-COMIRNATY');
    expect(await supervisor.getByTestId('add-lot-expiry').inputValue()).toBe(expiry);
    await supervisor.getByTestId('add-lot-submit').click();
    await supervisor.locator('[data-testid="lot-row"][data-lot="FC9999"]').waitFor();
    expect(await supervisor.getByTestId('add-lot-message').textContent()).toContain('FC9999');
  });

  it('approves a walk-in: reception asks, the supervisor decides, reception’s card turns to admit', async () => {
    const seq = await currentSeq(reception);
    await handheldScan(reception, ticketLine(T.bookedOtherDay));
    expect((await nextVerdict(reception, seq)).code).toBe('NOT_BOOKED_TODAY');
    await reception.getByTestId('walk-in-button').click();
    await reception.getByTestId('walk-in-pending').waitFor();
    expect(await reception.getByTestId('verdict').getAttribute('data-tone')).toBe('caution');
    await saveScreen(reception, 'reception-walk-in-pending');

    const request = supervisor.getByTestId('walk-in-item').first();
    await request.waitFor({ timeout: 5_000 });
    expect(await request.getAttribute('data-status')).toBe('pending');
    expect(await request.getByTestId('person-kanji').textContent()).toBe('田中 洋子');
    await request.getByTestId('walk-in-reason').fill('予約日を間違えて来場、空き枠あり');
    await saveScreen(supervisor, 'supervisor');
    await request.getByTestId('walk-in-approve').click();
    await expect.poll(() => supervisor.getByTestId('walk-in-item').first().getAttribute('data-status')).toBe('approved');

    await expect.poll(() => reception.getByTestId('verdict').getAttribute('data-verdict'), { timeout: 5_000 }).toBe('OK');
    await reception.getByTestId('check-in-button').click();
    await reception.getByTestId('checked-in').waitFor();
    const row = host.db.prepare(`SELECT walk_in_approved_by AS approvedBy FROM checkins WHERE ticket_number = ?`).get(T.bookedOtherDay) as { approvedBy: string | null };
    expect(row.approvedBy).not.toBeNull();
  });

  it('voids a dose record with a reason; the record stays, marked', async () => {
    const desk = coreDesk(host, 'nurse');
    const dose = desk.call('recordDose', { municipality: DEMO_MUNICIPALITY, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lotIdOf(host, 'FA1234') });
    if (!dose.ok) throw new Error(dose.error.message.en);
    const row = supervisor.locator(`[data-testid="record-row"][data-ticket="${T.ok}"]`);
    await row.waitFor({ timeout: 5_000 });
    expect(await row.getAttribute('data-voided')).toBe('false');
    await row.getByTestId('void-button').click();
    await row.getByTestId('void-reason').fill('別の人の券で記録した');
    await saveScreen(supervisor, 'supervisor-void');
    await row.getByTestId('void-confirm').click();
    await expect.poll(() => row.getAttribute('data-voided')).toBe('true');
    const voids = host.db.prepare(`SELECT count(*) AS n FROM dose_records WHERE ticket_number = ? AND voided_by IS NOT NULL`).get(T.ok) as { n: number };
    expect(voids.n).toBe(1);
    await expect.poll(() => count('vaccinated')).toBe(0);
  });

  it('settings: the device, the central service, camera, scanner mode; a supervisor changes the idle lock', async () => {
    await supervisor.getByTestId('nav-settings').click();
    await supervisor.getByTestId('screen-settings').waitFor();
    expect(await supervisor.getByTestId('settings-venue').textContent()).toContain('区民会館ホール');
    expect(await supervisor.getByTestId('settings-central').textContent()).toContain('未設定');
    await supervisor.getByTestId('settings-idle').fill('3');
    await supervisor.getByTestId('settings-save').click();
    await supervisor.getByText('保存しました').waitFor();
    const settings = JSON.parse((host.db.prepare(`SELECT value FROM settings WHERE key = 'device'`).get() as { value: string }).value) as { idleLockMinutes: number };
    expect(settings.idleLockMinutes).toBe(3);
    await supervisor.getByTestId('scanner-mode-handheld').check();
    await saveScreen(supervisor, 'settings');
    await supervisor.getByTestId('nav-reception').click();
    await supervisor.getByTestId('handheld-ready').waitFor();
    expect(await supervisor.getByTestId('scanner-video').count()).toBe(0);
  });
});
