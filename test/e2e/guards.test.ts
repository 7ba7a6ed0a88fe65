/**
 * The guards against wrong records that are not one of the four scenarios of
 * wrong-records.test.ts, in real Chromium:
 *
 * - the doctor (予診医) a supervisor sets per desk for the session: shown on
 *   the nurse's form, prefilled, changeable; a new shift's doctor follows;
 * - a ticket scanned while a form is open asks before switching person, and
 *   what was typed is kept (also for when the nurse comes back);
 * - same-day context at reception: "vaccinated here today at HH:MM" is a
 *   calm card with the slip at hand, "already checked in at HH:MM" has no
 *   refusal buzzer; a read error looks and sounds apart from a refusal, and
 *   a vial is named a vial whatever prefix the scanner sends;
 * - the day report during the day: still to come apart from no-shows, and
 *   people waiting are no discrepancy until the day is being closed.
 *
 * The host's clock reads 10:40 today (slots 10:00–10:30 over, 11:00 on ahead).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, saveScreen } from './support/browser';
import { venueClockAt } from './support/clock';
import { currentSeq, handheldScan, nextVerdict, verdict, signedInDesks } from './support/desk';
import { coreDesk, lotIdOf } from './support/core';
import { startTestHost, type TestHost } from './support/host';

let host: TestHost;
let browser: Browser;
let reception: Page;
let nurse: Page;
let supervisor: Page;

function checkInByCore(number: string): void {
  const reply = coreDesk(host, 'reception').call('checkIn', { municipality: M, number });
  if (!reply.ok || !(reply.value as { checkedIn: boolean }).checkedIn) throw new Error(`could not check ${number} in`);
}

async function sounds(page: Page): Promise<Record<'ok' | 'refusal' | 'misread' | 'notice', number>> {
  return page.evaluate(() => {
    const d = document.documentElement.dataset;
    return { ok: Number(d.soundOk ?? 0), refusal: Number(d.soundRefusal ?? 0), misread: Number(d.soundMisread ?? 0), notice: Number(d.soundNotice ?? 0) };
  });
}

beforeAll(async () => {
  host = await startTestHost({ clock: venueClockAt('10:40') });
  browser = await launchChromium();
  [reception, nurse, supervisor] = await signedInDesks(browser, host.url, ['reception', 'nurse', 'supervisor']);
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

describe('the nurse’s form', () => {
  it('shows the doctor a supervisor set for the desk, prefilled and changeable; a new shift’s doctor follows', async () => {
    await supervisor.getByTestId('nav-supervisor').click();
    const row = supervisor.locator('[data-testid="desk-row"][data-desk="R1"]');
    await row.getByTestId('desk-doctor-input').fill('予診 一郎');
    await row.getByTestId('desk-doctor-set').click();
    await expect.poll(() => row.getByTestId('desk-doctor-current').textContent()).toBe('予診 一郎');

    checkInByCore(T.ok);
    await nurse.getByTestId('screen-nurse').waitFor();
    await nurse.locator(`[data-testid="queue-item"][data-ticket="${T.ok}"]`).click();
    await nurse.getByTestId('dose-form').waitFor();
    await expect.poll(() => nurse.getByTestId('doctor').inputValue()).toBe('予診 一郎');
    expect(await nurse.getByTestId('desk-doctor').textContent()).toContain('予診 一郎');
    await saveScreen(nurse, 'nurse-desk-doctor');

    // The shift changes: the supervisor sets the next doctor, and the form follows without a reload.
    await row.getByTestId('desk-doctor-input').fill('予診 二郎');
    await row.getByTestId('desk-doctor-set').click();
    await expect.poll(() => nurse.getByTestId('doctor').inputValue()).toBe('予診 二郎');

    // The nurse may change it for a record; the desk's doctor is one tap away.
    await nurse.getByTestId('doctor').fill('応援 医師');
    await nurse.getByTestId('use-desk-doctor').click();
    expect(await nurse.getByTestId('doctor').inputValue()).toBe('予診 二郎');
    await nurse.getByTestId('lot-select').selectOption(lotIdOf(host, 'FA1234'));
    await nurse.getByTestId('site-left_arm').check();
    await nurse.getByTestId('record-dose-button').click();
    await nurse.getByTestId('dose-saved').waitFor();
    expect(host.db.prepare(`SELECT doctor FROM dose_records WHERE ticket_number = ?`).get(T.ok)).toEqual({ doctor: '予診 二郎' });
    await nurse.getByTestId('next-person').click();
  });

  it('asks before switching person when a ticket is scanned mid-form, and keeps what was typed', async () => {
    checkInByCore(T.okSecond);
    checkInByCore(T.okNw7);
    await nurse.locator(`[data-testid="queue-item"][data-ticket="${T.okNw7}"]`).click();
    await nurse.getByTestId('dose-form').waitFor();
    await nurse.getByTestId('site-right_thigh').check();
    await nurse.getByTestId('observe-30').check();

    await handheldScan(nurse, ticketLine(T.okSecond, 2));
    const prompt = nurse.getByTestId('switch-person');
    await prompt.waitFor();
    expect(await prompt.getAttribute('data-ticket')).toBe(T.okSecond);
    expect(await prompt.textContent()).toContain('鈴木 花子');
    expect(await nurse.getByTestId('dose-form').getAttribute('data-ticket')).toBe(T.okNw7);
    // While the question is open, F2 records nobody.
    await nurse.keyboard.press('F2');
    await saveScreen(nurse, 'nurse-switch-prompt');
    await nurse.getByTestId('switch-cancel').click();
    await prompt.waitFor({ state: 'detached' });
    expect(host.db.prepare(`SELECT count(*) AS n FROM dose_records WHERE ticket_number = ?`).get(T.okNw7)).toEqual({ n: 0 });
    expect(await nurse.getByTestId('site-right_thigh').isChecked()).toBe(true);
    expect(await nurse.getByTestId('observe-30').isChecked()).toBe(true);

    // Scanned again, and this time switched: a fresh form for her; back to him, his entries are there.
    await handheldScan(nurse, ticketLine(T.okSecond, 2));
    await nurse.getByTestId('switch-confirm').click();
    await expect.poll(() => nurse.getByTestId('dose-form').getAttribute('data-ticket')).toBe(T.okSecond);
    expect(await nurse.getByTestId('site-right_thigh').isChecked()).toBe(false);
    await nurse.locator(`[data-testid="queue-item"][data-ticket="${T.okNw7}"]`).click();
    await expect.poll(() => nurse.getByTestId('dose-form').getAttribute('data-ticket')).toBe(T.okNw7);
    expect(await nurse.getByTestId('site-right_thigh').isChecked()).toBe(true);
    expect(await nurse.getByTestId('observe-30').isChecked()).toBe(true);
  });
});

describe('reception knows who was here today', () => {
  it('someone vaccinated here today gets a calm "vaccinated today at HH:MM" card with the slip in view, no buzzer', async () => {
    const given = (host.db.prepare(`SELECT given_at FROM dose_records WHERE ticket_number = ?`).get(T.ok) as { given_at: string }).given_at;
    const before = await sounds(reception);
    const seq = await currentSeq(reception);
    await handheldScan(reception, ticketLine(T.ok));
    expect((await nextVerdict(reception, seq)).code).toBe('VACCINATED_TODAY');
    expect(await verdict(reception).getAttribute('data-tone')).toBe('info');
    expect(await reception.getByTestId('verdict-headline').textContent()).toContain(`本日 ${given.slice(11, 16)} に`);
    expect(await reception.getByTestId('verdict-word').textContent()).toBe('接種済み（本日）');
    // The slip button is on the card itself.
    const slipButton = verdict(reception).getByTestId('reception-slip-open');
    expect(await slipButton.isVisible()).toBe(true);
    expect(await slipButton.evaluate((el) => el.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);
    const after = await sounds(reception);
    expect(after.refusal).toBe(before.refusal);
    expect(after.notice).toBe(before.notice + 1);
    await saveScreen(reception, 'reception-vaccinated-today');
    await slipButton.click();
    await reception.getByTestId('dose-slip').waitFor();
  });

  it('a ticket shown again after check-in says "already checked in at HH:MM", without the refusal buzzer', async () => {
    const at = (host.db.prepare(`SELECT at FROM checkins WHERE ticket_number = ?`).get(T.okNw7) as { at: string }).at;
    const before = await sounds(reception);
    const seq = await currentSeq(reception);
    await handheldScan(reception, ticketLine(T.okNw7));
    expect((await nextVerdict(reception, seq)).code).toBe('ALREADY_CHECKED_IN');
    expect(await verdict(reception).getAttribute('data-tone')).toBe('caution');
    expect(await reception.getByTestId('verdict-headline').textContent()).toBe(`${at.slice(11, 16)} に受付済みです`);
    const after = await sounds(reception);
    expect(after.refusal).toBe(before.refusal);
    expect(after.notice).toBe(before.notice + 1);
  });

  it('a read error looks and sounds apart from a refusal of a person', async () => {
    const before = await sounds(reception);
    const seq = await currentSeq(reception);
    await handheldScan(reception, `11131017${T.okSecond}`);
    expect((await nextVerdict(reception, seq)).code).toBe('READ_ERROR');
    expect(await verdict(reception).getAttribute('data-tone')).toBe('misread');
    expect(await reception.getByTestId('read-error-note').textContent()).toContain('お断りしたのではありません');
    const after = await sounds(reception);
    expect(after.refusal).toBe(before.refusal);
    expect(after.misread).toBe(before.misread + 1);
    await saveScreen(reception, 'reception-read-error');
    // A refusal of a person, for comparison: red and the buzzer.
    const refusedSeq = await currentSeq(reception);
    await handheldScan(reception, ticketLine(T.bookedOtherDay));
    expect((await nextVerdict(reception, refusedSeq)).code).toBe('NOT_BOOKED_TODAY');
    expect(await verdict(reception).getAttribute('data-tone')).toBe('refuse');
    expect((await sounds(reception)).refusal).toBe(after.refusal + 1);
  });

  for (const [name, prefix] of [
    ['no prefix', ''],
    ['a "#" prefix', '#'],
    ['a code-ID letter', 'w'],
    ['a non-GS1 DataMatrix AIM', ']d1'],
  ] as const) {
    it(`a vial scanned at reception is named a vial (${name})`, async () => {
      const before = await sounds(reception);
      const seq = await currentSeq(reception);
      await handheldScan(reception, `${prefix}01049871234567841727123110FA1234`);
      expect((await nextVerdict(reception, seq)).code).toBe('READ_ERROR');
      expect(await verdict(reception).getAttribute('data-error')).toBe('VACCINE_PACK');
      expect(await reception.getByTestId('verdict-headline').textContent()).toContain('ワクチンの箱・バイアル');
      expect((await sounds(reception)).refusal).toBe(before.refusal);
    });
  }
});

describe('the day report during the day', () => {
  it('tells bookings still to come from no-shows, and people waiting are no discrepancy until the close', async () => {
    await supervisor.getByTestId('sup-tab-day').click();
    const day = supervisor.getByTestId('day-report');
    await day.getByTestId('day-counts').waitFor();
    const count = async (name: string) => Number(await day.getByTestId(`day-count-${name}`).getAttribute('data-value'));
    // At 10:40: nobody whose slot is over stayed away (山田 10:00 and 鈴木 10:30 came, 髙橋 11:00 too); 13:00, 15:00, 15:30 and 16:00 are still to come.
    await expect.poll(() => count('notYetCome')).toBe(4);
    expect(await count('noShows')).toBe(0);
    expect(await day.getByTestId('day-count-notYetCome').textContent()).toContain('これから来る予約');
    // 鈴木 and 髙橋 are checked in and waiting: not a discrepancy during the day.
    expect(await supervisor.locator('[data-testid="discrepancy"][data-kind="checked-in-no-dose"]').count()).toBe(0);
    await saveScreen(supervisor, 'day-report-during-the-day');
    await supervisor.getByTestId('close-note').fill('締めの確認');
    await supervisor.getByTestId('close-day').click();
    await expect.poll(() => supervisor.locator('[data-testid="discrepancy"][data-kind="checked-in-no-dose"]').count()).toBe(2);
    await supervisor.getByTestId('close-cancel').click();
    await expect.poll(() => supervisor.locator('[data-testid="discrepancy"][data-kind="checked-in-no-dose"]').count()).toBe(0);
  });
});
