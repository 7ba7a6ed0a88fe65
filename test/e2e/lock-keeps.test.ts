/**
 * The idle lock keeps the work, in real Chromium: a nurse half-way through a
 * dose form (the site, the 30-minute observation, a lot that needs
 * confirming and the reason typed for it) is locked out by five idle
 * minutes (Playwright's fake clock); after the same nurse unlocks, the same
 * person's form is back with every entry, and nothing personal was on the
 * lock screen meanwhile. The observation board left running locks like any
 * screen but keeps counting: the lock screen says how many are due (counts,
 * no names) and rings the bell; unlocking shows the board again. Someone
 * else signing in finds none of it; nor does the nurse after signing out.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY as M, DEMO_STAFF, DEMO_TICKETS as T } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { coreDesk, lotIdOf as lotOf, must } from './support/core';
import { nextSupervisorCode, signIn, typeLikeAPerson } from './support/desk';
import { startTestHost, type TestHost } from './support/host';

let host: TestHost;
let browser: Browser;
let page: Page;

const lotIdOf = (lotNumber: string) => lotOf(host, lotNumber);

/** The markup and every field's value: what is on screen or could be read off the page. */
async function pageText(): Promise<string> {
  return page.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join(' '));
}

async function alerts(): Promise<number> {
  return page.evaluate(() => Number(document.documentElement.dataset.soundAlert ?? '0'));
}

async function unlock(role: keyof typeof DEMO_STAFF): Promise<void> {
  await page.getByTestId('unlock-password').fill(DEMO_STAFF[role].password);
  // A supervisor unlocks with the code of the demo's authenticator app too (the core runs on the real clock).
  if (role === 'supervisor') await page.getByTestId('unlock-code').fill(nextSupervisorCode(new URL(page.url()).host));
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId('lock-screen').waitFor({ state: 'detached' });
}

function formOf(ticket: string) {
  return page.locator(`[data-testid="dose-form"][data-ticket="${ticket}"]`);
}

beforeAll(async () => {
  host = await startTestHost();
  const reception = coreDesk(host, 'reception');
  for (const number of [T.ok, T.okSecond]) must(reception.call('checkIn', { municipality: M, number }));
  browser = await launchChromium();
  ({ page } = await openDesk(browser, host.url, { beforeLoad: (context) => context.clock.install() }));
  await signIn(page, 'nurse');
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

describe('the idle lock keeps the work of the person who comes back', () => {
  it('locks mid-form after five idle minutes and gives the same nurse the same form back, every entry in it', async () => {
    await page.locator(`[data-testid="queue-item"][data-ticket="${T.ok}"]`).click();
    await formOf(T.ok).waitFor();
    // A lot of another product than booked: the save stops until the nurse confirms with a reason.
    await page.getByTestId('lot-select').selectOption(lotIdOf('MS0001'));
    await page.getByTestId('site-left_arm').check();
    await page.getByTestId('observe-30').check();
    await page.getByTestId('doctor').fill('予診 医師');
    await page.getByTestId('record-dose-button').click();
    await page.getByTestId('check-confirm').waitFor();
    await page.getByTestId('check-reason').fill('医師の判断で別の製品');

    await page.clock.fastForward('05:30');
    await page.getByTestId('lock-screen').waitFor();
    const locked = await pageText();
    for (const detail of ['山田', 'ヤマダ', '1958', '昭和33', T.ok, '医師の判断']) expect(locked).not.toContain(detail);
    await saveScreen(page, 'lock-keeps-locked');

    await unlock('nurse');
    await formOf(T.ok).waitFor();
    expect(await page.getByTestId('site-left_arm').isChecked()).toBe(true);
    expect(await page.getByTestId('observe-30').isChecked()).toBe(true);
    expect(await page.getByTestId('doctor').inputValue()).toBe('予診 医師');
    expect(await page.getByTestId('lot-select').inputValue()).toBe(lotIdOf('MS0001'));
    expect(await page.getByTestId('check-reason').inputValue()).toBe('医師の判断で別の製品');
    expect(await page.getByTestId('dose-check').count()).toBeGreaterThan(0);
    await saveScreen(page, 'lock-keeps-unlocked');
  });

  it('keeps the observation board running on the lock screen: counts only, the bell, and the board again after unlocking', async () => {
    must(coreDesk(host, 'nurse').call('recordDose', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, status: 'performed', site: 'right_arm', doctor: '予診 医師', lotId: lotIdOf('FA1234') }));
    await page.getByTestId('nav-observation').click();
    await page.getByTestId('observation-item').first().waitFor();
    await page.keyboard.press('F9');
    await page.getByTestId('lock-screen').waitFor();
    const board = page.getByTestId('lock-observation');
    await expect.poll(() => board.getAttribute('data-observing')).toBe('1');
    expect(await board.getAttribute('data-due')).toBe('0');
    expect(await pageText()).not.toContain('鈴木');
    const before = await alerts();

    await page.clock.fastForward('16:00');
    await expect.poll(() => board.getAttribute('data-due')).toBe('1');
    await expect.poll(alerts).toBe(before + 1);
    expect(await pageText()).not.toContain('鈴木');
    await saveScreen(page, 'lock-keeps-board-due');

    await unlock('nurse');
    await page.getByTestId('observation-board').waitFor();
    expect(await page.getByTestId('observation-item').count()).toBe(1);
  });

  it('gives none of it to someone else who signs in, nor to the nurse after signing out', async () => {
    await page.getByTestId('nav-nurse').click();
    await formOf(T.ok).waitFor();
    await page.keyboard.press('F9');
    await page.getByTestId('lock-signout').click();
    await signIn(page, 'supervisor');
    await page.getByTestId('nav-nurse').click();
    await page.locator(`[data-testid="queue-item"][data-ticket="${T.ok}"]`).click();
    await formOf(T.ok).waitFor();
    expect(await page.getByTestId('site-left_arm').isChecked()).toBe(false);
    expect(await page.getByTestId('observe-30').isChecked()).toBe(false);
    expect(await page.getByTestId('check-confirm').count()).toBe(0);
    expect(await page.getByTestId('doctor').inputValue()).toBe('');

    await page.getByTestId('signout-button').click();
    await signIn(page, 'nurse');
    await page.getByTestId('screen-nurse').waitFor();
    expect(await formOf(T.ok).count()).toBe(0);
    await page.locator(`[data-testid="queue-item"][data-ticket="${T.ok}"]`).click();
    await formOf(T.ok).waitFor();
    expect(await page.getByTestId('site-left_arm').isChecked()).toBe(false);
    expect(await page.getByTestId('check-confirm').count()).toBe(0);
  });

  it('keeps a ticket number half typed at reception for the same person, and drops it at sign-out', async () => {
    await page.getByTestId('signout-button').click();
    await signIn(page, 'supervisor');
    await page.getByTestId('nav-reception').click();
    await page.getByTestId('manual-input').click();
    await typeLikeAPerson(page, '11131016');
    await page.keyboard.press('F9');
    await page.getByTestId('lock-screen').waitFor();
    expect(await pageText()).not.toContain('11131016');
    await unlock('supervisor');
    await page.getByTestId('screen-reception').waitFor();
    expect(await page.getByTestId('manual-input').inputValue()).toBe('11131016');

    await page.getByTestId('signout-button').click();
    await signIn(page, 'supervisor');
    await page.getByTestId('nav-reception').click();
    expect(await page.getByTestId('manual-input').inputValue()).toBe('');
  });

  it('keeps every other form’s entries through the lock too: the desk doctor, the audit log’s filters, the settings', async () => {
    // Signed in as the supervisor (the test before).
    await page.getByTestId('nav-supervisor').click();
    await page.getByTestId('sup-tab-desk').click();
    const doctor = page.getByTestId('desk-doctor-input').first();
    await doctor.fill('午後 医師');
    await page.getByTestId('sup-tab-audit').click();
    await page.getByTestId('audit-action').selectOption('voidRecord');
    await page.getByTestId('audit-hide-routine').uncheck();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-idle').fill('12');
    await page.keyboard.press('F9');
    await page.getByTestId('lock-screen').waitFor();
    expect(await pageText()).not.toContain('午後 医師');
    await unlock('supervisor');

    await page.getByTestId('screen-settings').waitFor();
    expect(await page.getByTestId('settings-idle').inputValue()).toBe('12');
    await page.getByTestId('nav-supervisor').click();
    expect(await page.getByTestId('audit-action').inputValue()).toBe('voidRecord');
    expect(await page.getByTestId('audit-hide-routine').isChecked()).toBe(false);
    await page.getByTestId('sup-tab-desk').click();
    expect(await page.getByTestId('desk-doctor-input').first().inputValue()).toBe('午後 医師');

    await page.getByTestId('signout-button').click();
    await signIn(page, 'supervisor');
    await page.getByTestId('nav-supervisor').click();
    await page.getByTestId('sup-tab-desk').click();
    expect(await page.getByTestId('desk-doctor-input').first().inputValue()).not.toBe('午後 医師');
    await page.getByTestId('sup-tab-audit').click();
    expect(await page.getByTestId('audit-action').inputValue()).toBe('');
  });
});
