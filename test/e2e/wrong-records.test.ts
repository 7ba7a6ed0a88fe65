/**
 * The four wrong records a busy desk made with the app as it was, tried in
 * real Chromium the way staff would, each now stopped on screen:
 *
 * 1. Wrong product, silently: dose 2 of a person whose dose 1 and booking are
 *    コミナティ, with the desk's lot of スパイクバックス left from the previous
 *    person. The form shows the booked product and the previous dose; the
 *    save stops until the nurse confirms with a reason; the record keeps the
 *    confirmation; the day report lists it.
 * 2. A bare F2 with no injection site and no 予診医: refused, naming both.
 * 3. F2 checks in the wrong person: with A's OK card up, staff type the next
 *    ticket's digits and press F2. Typing clears A's card; F2 checks nobody in.
 * 4. The day closes with people still in the building: the close names what
 *    is open (waiting, in observation, bookings still to come, records not
 *    yet sent) and needs an explicit confirmation; a supervisor can reopen the
 *    day with a reason, and the waiting person's dose is then a normal record.
 *
 * The host's clock reads 10:40 today, so which booking slots are still to
 * come does not depend on when the test runs.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, saveScreen } from './support/browser';
import { venueClockAt } from './support/clock';
import { cardTakesKeys, currentSeq, nextVerdict, typeLikeAPerson, signedInDesks } from './support/desk';
import { coreDesk, lotIdOf } from './support/core';
import { startTestHost, type TestHost } from './support/host';

let host: TestHost;
let browser: Browser;
let reception: Page;
let nurse: Page;
let supervisor: Page;

function dosesOf(number: string): number {
  return (host.db.prepare(`SELECT count(*) AS n FROM dose_records WHERE ticket_number = ? AND voided_by IS NULL`).get(number) as { n: number }).n;
}

function checkinsOf(number: string): number {
  return (host.db.prepare(`SELECT count(*) AS n FROM checkins WHERE ticket_number = ? AND voided_by IS NULL`).get(number) as { n: number }).n;
}

function checkInByCore(number: string): void {
  const reply = coreDesk(host, 'reception').call('checkIn', { municipality: M, number });
  if (!reply.ok || !(reply.value as { checkedIn: boolean }).checkedIn) throw new Error(`could not check ${number} in`);
}

async function openInQueue(number: string): Promise<void> {
  // Whatever the scenario before left on screen, start from the queue.
  if (await nurse.getByTestId('next-person').isVisible()) await nurse.getByTestId('next-person').click();
  await nurse.locator(`[data-testid="queue-item"][data-ticket="${number}"]`).click();
  await nurse.getByTestId('dose-form').waitFor();
}

/** Explains every discrepancy of the day still without an explanation (by key: the list changes as they are explained). */
async function explainAll(note: string, kind?: string): Promise<number> {
  const unexplained = supervisor.locator(`[data-testid="discrepancy"][data-explained="false"]${kind ? `[data-kind="${kind}"]` : ''}`);
  const keys = await unexplained.evaluateAll((items) => items.map((i) => i.getAttribute('data-key') ?? ''));
  for (const key of keys) {
    const item = supervisor.locator(`[data-testid="discrepancy"][data-key="${key}"]`);
    await item.getByTestId('explain-input').fill(note);
    await item.getByTestId('explain-save').click();
    await expect.poll(() => item.getAttribute('data-explained')).toBe('true');
  }
  return keys.length;
}

/** Whatever the form does with F2 next: a saved confirmation, an error, or the product check to confirm. */
async function outcomeOfF2(): Promise<string> {
  await nurse.locator('h2#dose-title').click();
  await nurse.keyboard.press('F2');
  const outcome = nurse.getByTestId('dose-saved').or(nurse.getByTestId('dose-error')).or(nurse.getByTestId('check-confirm'));
  await outcome.first().waitFor();
  return (await outcome.first().getAttribute('data-testid')) ?? '';
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

describe('wrong records stopped at the desk', () => {
  it('1. a lot of another product than booked and given before stops the save until the nurse confirms with a reason', async () => {
    checkInByCore(T.okSecond);
    await nurse.getByTestId('screen-nurse').waitFor();
    // The previous person was given スパイクバックス: the desk's lot is still MS0001.
    await nurse.getByTestId('lot-select').selectOption(lotIdOf(host, 'MS0001'));
    await openInQueue(T.okSecond);
    expect(await nurse.getByTestId('lot-select').inputValue()).toBe(lotIdOf(host, 'MS0001'));
    await nurse.getByTestId('site-left_arm').check();
    await nurse.getByTestId('doctor').fill('予診 医師');

    expect(await outcomeOfF2()).toBe('check-confirm');
    expect(dosesOf(T.okSecond)).toBe(0);
    // What the nurse sees next to the lot: the booked product and the dose before.
    expect(await nurse.getByTestId('booked-product').textContent()).toContain('コミナティ');
    const previous = nurse.getByTestId('previous-dose');
    expect(await previous.count()).toBe(1);
    expect(await previous.first().textContent()).toContain('コミナティ');
    expect(await previous.first().textContent()).toContain('1回目');
    const checks = await nurse.getByTestId('dose-check').evaluateAll((items) => items.map((i) => i.getAttribute('data-code')));
    expect(checks).toEqual(expect.arrayContaining(['PRODUCT_NOT_BOOKED', 'PRODUCT_AFTER_PREVIOUS']));
    expect(await nurse.getByTestId('check-confirm').textContent()).toContain('スパイクバックス');
    await saveScreen(nurse, 'wrong-product-stopped');

    // The confirmation needs a reason; then the record keeps it.
    expect(await nurse.getByTestId('check-confirm-button').isDisabled()).toBe(true);
    await nurse.getByTestId('check-reason').fill('コミナティ在庫切れのため医師の判断で交互接種');
    await nurse.getByTestId('check-confirm-button').click();
    await nurse.getByTestId('dose-saved').waitFor();
    const row = host.db.prepare(`SELECT check_codes AS codes, check_reason AS reason, product_id AS product FROM dose_records WHERE ticket_number = ?`).get(T.okSecond) as {
      codes: string;
      reason: string;
      product: string;
    };
    expect(row.product).toBe('MOD-SPIKEVAX');
    expect(row.codes.split(',')).toEqual(expect.arrayContaining(['PRODUCT_NOT_BOOKED', 'PRODUCT_AFTER_PREVIOUS']));
    expect(row.reason).toBe('コミナティ在庫切れのため医師の判断で交互接種');
    await nurse.getByTestId('next-person').click();

    // The day report lists it, with the nurse's reason.
    await supervisor.getByTestId('nav-supervisor').click();
    await supervisor.getByTestId('sup-tab-day').click();
    const flagged = supervisor.locator('[data-testid="discrepancy"][data-kind="product-check"]');
    await flagged.waitFor();
    expect(await flagged.textContent()).toContain('コミナティ在庫切れ');
  });

  it('2. a bare F2 with no injection site and no 予診医 saves nothing and names both', async () => {
    checkInByCore(T.okNw7);
    await openInQueue(T.okNw7);
    await nurse.getByTestId('lot-select').selectOption(lotIdOf(host, 'FA1234'));
    await nurse.getByTestId('doctor').fill('');
    expect(await outcomeOfF2()).toBe('dose-error');
    expect(dosesOf(T.okNw7)).toBe(0);
    const said = (await nurse.getByTestId('dose-error').textContent()) ?? '';
    expect(said).toContain('接種部位');
    expect(said).toContain('予診医');
    await saveScreen(nurse, 'bare-f2-refused');
  });

  it('3. with A’s card up, typing the next ticket and pressing F2 checks nobody in; typing clears the card', async () => {
    const showA = async () => {
      // A's card on screen (typed: how it got there does not matter here).
      const seq = await currentSeq(reception);
      await reception.getByTestId('manual-input').click();
      await typeLikeAPerson(reception, ticketLine(T.ok));
      await reception.keyboard.press('Enter');
      const card = await nextVerdict(reception, seq);
      expect(card.code).toBe('OK');
      // Old enough that F2 would count as a decision about it: only the typing below may stop it.
      await cardTakesKeys(reception, card.seq);
    };
    await showA();
    await reception.getByTestId('manual-input').click();
    await typeLikeAPerson(reception, ticketLine(T.bookedOtherDay).slice(0, 12));
    await reception.keyboard.press('F2');
    await typeLikeAPerson(reception, ticketLine(T.bookedOtherDay).slice(12));
    const after = await currentSeq(reception);
    await reception.keyboard.press('Enter');
    expect((await nextVerdict(reception, after)).code).toBe('NOT_BOOKED_TODAY');
    // Calls are answered in order: a check-in F2 had sent would be in by now.
    expect(checkinsOf(T.ok)).toBe(0);
    expect(checkinsOf(T.bookedOtherDay)).toBe(0);
    await saveScreen(reception, 'f2-while-typing');

    // The card of the person before goes the moment someone starts typing the next number.
    await showA();
    await reception.getByTestId('manual-input').click();
    await typeLikeAPerson(reception, '1');
    await reception.getByTestId('verdict-placeholder').waitFor();
    expect(await reception.getByTestId('verdict').count()).toBe(0);
    await reception.getByTestId('manual-input').fill('');
  });

  it('4. the close names what is still open and needs an explicit confirmation; a reopened day takes normal records', async () => {
    // In the building: 髙橋 checked in and waiting (test 2), 鈴木 in observation (test 1); 山田 arrives now.
    checkInByCore(T.ok);
    await supervisor.getByTestId('sup-tab-day').click();
    const day = supervisor.getByTestId('day-report');
    await day.getByTestId('day-counts').waitFor();
    await supervisor.getByTestId('close-note').fill('本日の締め');
    await explainAll('確認済み');
    await expect.poll(() => supervisor.getByTestId('close-day').isEnabled()).toBe(true);
    await supervisor.getByTestId('close-day').click();
    const outcome = supervisor.getByTestId('day-closed').or(supervisor.getByTestId('close-confirm'));
    await outcome.first().waitFor();
    expect(await outcome.first().getAttribute('data-testid')).toBe('close-confirm');
    expect(host.db.prepare(`SELECT count(*) AS n FROM day_closes`).get()).toEqual({ n: 0 });

    const confirm = supervisor.getByTestId('close-confirm');
    expect(await confirm.getAttribute('data-waiting')).toBe('2');
    expect(await confirm.getAttribute('data-observing')).toBe('1');
    // Slots still ahead at 10:40 of people not here yet: 13:00, 15:00, 15:30 and 16:00 (11:00 is 髙橋, here).
    expect(await confirm.getAttribute('data-not-yet-come')).toBe('4');
    const said = (await confirm.textContent()) ?? '';
    expect(said).toContain('受付済みで未接種 2人');
    expect(said).toContain('経過観察中 1人');
    expect(said).toContain('これから来る予約 4件');
    // Now that the day is being closed, the people waiting are discrepancies to explain.
    const waiting = supervisor.locator('[data-testid="discrepancy"][data-kind="checked-in-no-dose"]');
    await expect.poll(() => waiting.count()).toBe(2);
    expect(await explainAll('会場内で待機中（締め後に再開して記録する）', 'checked-in-no-dose')).toBe(2);
    expect(await supervisor.getByTestId('close-confirm-submit').isDisabled()).toBe(true);
    await supervisor.getByTestId('close-confirm-check').check();
    await saveScreen(supervisor, 'close-confirm');
    await supervisor.getByTestId('close-confirm-submit').click();
    await supervisor.getByTestId('day-closed').waitFor();
    expect(host.db.prepare(`SELECT count(*) AS n FROM day_closes`).get()).toEqual({ n: 1 });

    // A supervisor reopens the day with a reason: recorded, and the waiting person can be vaccinated.
    await supervisor.getByTestId('reopen-day').click();
    await supervisor.getByTestId('reopen-reason').fill('待機中の方の接種を記録するため');
    await supervisor.getByTestId('reopen-submit').click();
    await expect.poll(() => day.getAttribute('data-closed')).toBe('false');
    const reopen = host.db.prepare(`SELECT reason FROM day_reopens`).get() as { reason: string };
    expect(reopen.reason).toBe('待機中の方の接種を記録するため');
    expect(host.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'reopenDay' AND outcome = 'ok'`).get()).toEqual({ n: 1 });

    await openInQueue(T.ok);
    await nurse.getByTestId('site-right_arm').check();
    await nurse.getByTestId('doctor').fill('予診 医師');
    expect(await outcomeOfF2()).toBe('dose-saved');
    expect(dosesOf(T.ok)).toBe(1);
    // A normal record: nothing about it arrived after a close.
    await supervisor.getByTestId('day-refresh').click();
    await expect.poll(() => supervisor.locator('[data-testid="discrepancy"][data-kind="after-close"]').count()).toBe(0);
    expect(host.db.prepare(`SELECT count(*) AS n FROM late_records`).get()).toEqual({ n: 0 });
    await saveScreen(supervisor, 'day-reopened');
  });
});
