/**
 * The idle lock in real Chromium: after the idle time with no one touching
 * the desk, every personal detail leaves the screen (and the page's memory)
 * until the same person's password is typed, or someone else signs in.
 * Playwright's fake clock stands in for five quiet minutes.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF, DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { currentSeq, handheldScan, nextVerdict, signIn, pageSettled } from './support/desk';
import { startTestHost, type TestHost } from './support/host';

let host: TestHost;
let browser: Browser;
let page: Page;

/** What the card showed about the person: none of it may be on the lock screen. */
const PERSONAL = ['山田', 'ヤマダ', '1958', '昭和33', T.ok];

async function pageText(): Promise<string> {
  // The markup and every field's value: what is on screen or could be read off the page.
  return page.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join(' '));
}

beforeAll(async () => {
  host = await startTestHost();
  browser = await launchChromium();
  ({ page } = await openDesk(browser, host.url, { beforeLoad: (context) => context.clock.install() }));
  await signIn(page, 'reception');
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

describe('the idle lock', () => {
  it('hides the card and every personal detail after five idle minutes', async () => {
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.ok));
    expect((await nextVerdict(page, seq)).code).toBe('OK');
    expect(await pageText()).toContain('山田 太郎');
    await page.clock.fastForward('04:30');
    // fastForward has run the idle check's timers; a lock they started would be answered by the core and drawn by now.
    await pageSettled(page);
    expect(await page.getByTestId('lock-screen').count()).toBe(0);
    await page.clock.fastForward('00:45');
    await page.getByTestId('lock-screen').waitFor();
    const text = await pageText();
    for (const detail of PERSONAL) expect(text).not.toContain(detail);
    expect(await page.getByTestId('verdict').count()).toBe(0);
    expect(await page.getByTestId('lock-staff').textContent()).toBe(DEMO_STAFF.reception.displayName);
    await expect.poll(() => host.logs.some((line) => line.includes('call lockSession ok'))).toBe(true);
    await saveScreen(page, 'lock-screen');
  });

  it('the core keeps the session locked: nothing personal can be asked for until unlocked', async () => {
    const reply = await page.evaluate(() => window.venue.scanTicket({ code: '111310160000100001' }));
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error.code).toBe('SESSION_LOCKED');
    await page.getByTestId('lock-screen').waitFor();
  });

  it('drops a ticket scanned while locked: nothing lands in the password field, nothing is tried', async () => {
    await page.getByTestId('unlock-password').click();
    const before = host.logs.length;
    await handheldScan(page, ticketLine(T.okSecond, 2));
    await page.getByTestId('scan-ignored').waitFor();
    expect(await page.getByTestId('unlock-password').inputValue()).toBe('');
    expect(host.logs.slice(before).some((line) => line.includes('unlockSession') || line.includes('scanTicket'))).toBe(false);
  });

  it('opens only with the same person’s password, and the old card is gone', async () => {
    await page.getByTestId('unlock-password').fill('not-the-password');
    await page.getByTestId('unlock-submit').click();
    await page.getByTestId('unlock-error').waitFor();
    await page.getByTestId('unlock-password').fill(DEMO_STAFF.reception.password);
    await page.getByTestId('unlock-submit').click();
    await page.getByTestId('screen-reception').waitFor();
    expect(await page.getByTestId('verdict').count()).toBe(0);
    expect(await page.getByTestId('verdict-placeholder').count()).toBe(1);
  });

  it('locks at once with F9, and someone else can sign in instead', async () => {
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.okSecond, 2));
    await nextVerdict(page, seq);
    await page.keyboard.press('F9');
    await page.getByTestId('lock-screen').waitFor();
    expect(await pageText()).not.toContain('鈴木');
    await page.getByTestId('lock-signout').click();
    await signIn(page, 'nurse');
    expect(await page.getByTestId('staff-name').textContent()).toBe(DEMO_STAFF.nurse.displayName);
    await page.getByTestId('screen-nurse').waitFor();
  });
});
