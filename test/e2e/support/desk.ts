/** What a person at a desk does, as test steps: sign in, scan with the handheld, wait for the card. */
import type { Browser, CDPSession, Locator, Page } from 'playwright-core';
import { totpCodeForStep, totpStep } from '../../../src/staff/second-factor';
import { DEMO_RECOVERY_CODES, DEMO_STAFF, DEMO_TOTP_SECRET } from '../../fixtures/demo';
import { openDesk } from './browser';

export type DemoRole = keyof typeof DEMO_STAFF;

/** `coreNowMs`: the time on the core's clock, where a test sets it off (the supervisor's code is of that time). */
export async function signIn(page: Page, role: DemoRole, coreNowMs?: () => number): Promise<void> {
  const staff = DEMO_STAFF[role];
  await page.getByTestId('signin-login').fill(staff.login);
  await page.getByTestId('signin-password').fill(staff.password);
  await page.getByTestId('signin-submit').click();
  if (role === 'supervisor') await giveSupervisorCode(page, coreNowMs?.() ?? Date.now());
  await page.getByTestId('staff-name').waitFor();
}

/** Per host (its address): the last step of the demo supervisor's app used there, and the recovery codes spent. */
const spent = new Map<string, { step: number; recovery: number }>();

/**
 * The demo supervisor's second step: the code their authenticator app (the
 * demo's published secret) shows, as a person types it. A code is accepted
 * once per account (no replay), and only this step's and the next within
 * the drift window are safe to type, so each host gets fresh steps; when a
 * file signs in more often than that, or a code is refused (a restarted
 * host), the demo's recovery codes are typed instead, each once.
 */
export async function giveSupervisorCode(page: Page, nowMs: number = Date.now()): Promise<void> {
  await page.getByTestId('signin-code').waitFor();
  const host = new URL(page.url()).host;
  let code = nextSupervisorCode(host, nowMs);
  for (let attempt = 0; ; attempt++) {
    await page.getByTestId('signin-code').fill(code);
    await page.getByTestId('signin-submit').click();
    // Whichever comes: the work screen, or this code refused.
    await page.locator('[data-testid="staff-name"], [data-testid="signin-error"][data-code="WRONG_CODE"]').first().waitFor();
    if ((await page.getByTestId('staff-name').count()) > 0 || attempt >= 2) return;
    code = nextRecoveryCode(host);
  }
}

/** The next code the demo supervisor would type at this host: a fresh step of the app, else a recovery code not used there yet. */
export function nextSupervisorCode(host: string, nowMs: number = Date.now()): string {
  const used = spent.get(host) ?? { step: -1, recovery: 0 };
  spent.set(host, used);
  const step = Math.max(totpStep(nowMs), used.step + 1);
  if (step > totpStep(nowMs) + 1) return nextRecoveryCode(host);
  used.step = step;
  return totpCodeForStep(DEMO_TOTP_SECRET, step);
}

function nextRecoveryCode(host: string): string {
  const used = spent.get(host) ?? { step: -1, recovery: 0 };
  spent.set(host, used);
  return DEMO_RECOVERY_CODES[used.recovery++] ?? '';
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();
/** The newest key timestamp sent to each page (seconds), so bursts never overlap in the page's time. */
const lastSent = new WeakMap<Page, number>();
/** A person puts down the keyboard and picks up the scanner: the burst starts this long after anything typed before. */
const PICK_UP_S = 0.3;

function cdpOf(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    sessions.set(page, session);
  }
  return session;
}

/** Key timing of a scanner: the gaps (ms) between its keys, cycled; a USB scanner's 4 ms by default. */
export type ScannerTiming = readonly number[];
/** A Bluetooth scanner sending three keys at once, then waiting 90 ms for the radio. */
export const CLUMPED_BLUETOOTH: ScannerTiming = [1, 1, 90];

function keyEvent(key: string): { key: string; code: string; windowsVirtualKeyCode: number; text?: string } {
  if (key === 'Enter') return { key, code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' };
  if (/^[0-9]$/.test(key)) return { key, code: `Digit${key}`, windowsVirtualKeyCode: 48 + Number(key), text: key };
  if (/^[A-Za-z]$/.test(key)) return { key, code: `Key${key.toUpperCase()}`, windowsVirtualKeyCode: key.toUpperCase().charCodeAt(0), text: key };
  return { key, code: '', windowsVirtualKeyCode: 0, text: key };
}

/**
 * A handheld scanner in keyboard mode: the read typed as a burst, then
 * Enter. Each key goes through the DevTools protocol (Input.dispatchKeyEvent)
 * with its own event timestamp, `timing` apart: the page sees exactly the
 * scanner's timing however busy the test machine is, so a loaded machine
 * can never split a burst (or slow it to typing speed). The burst is stamped
 * a third of a second after now (a person picking up the scanner), so keys
 * typed just before are never taken as part of it.
 */
export async function handheldScan(page: Page, text: string, timing: ScannerTiming = [4]): Promise<void> {
  const cdp = await cdpOf(page);
  let at = Math.max(Date.now() / 1000, lastSent.get(page) ?? 0) + PICK_UP_S;
  const keys = [...text, 'Enter'];
  for (const [i, key] of keys.entries()) {
    const event = keyEvent(key);
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...event, timestamp: at });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: event.key, code: event.code, windowsVirtualKeyCode: event.windowsVirtualKeyCode, timestamp: at + 0.0005 });
    lastSent.set(page, at);
    at += (timing[i % timing.length] ?? 4) / 1000;
  }
}

/** Slow human typing, well apart from a scanner's burst. */
export async function typeLikeAPerson(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 120 });
}

export function verdict(page: Page): Locator {
  return page.getByTestId('verdict');
}

/** The card of a read newer than `afterSeq`, once it shows a result (not "checking…"). */
export async function nextVerdict(page: Page, afterSeq: number, timeout = 15_000): Promise<{ code: string; seq: number }> {
  const handle = await page.waitForFunction(
    (after) => {
      const card = document.querySelector('[data-testid="verdict"]');
      const seq = Number(card?.getAttribute('data-read-seq') ?? '0');
      const code = card?.getAttribute('data-verdict') ?? '';
      return card && seq > after && code !== 'READING' ? { code, seq } : null;
    },
    afterSeq,
    { timeout },
  );
  return (await handle.jsonValue()) as { code: string; seq: number };
}

export async function currentSeq(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.querySelector('[data-testid="verdict"]')?.getAttribute('data-read-seq') ?? '0'));
}

/**
 * Everything the page has sent to its core so far has been handled, and what
 * it did to the screen has been rendered: a call on the page's own socket
 * (the host answers each socket in order, synchronously, so earlier calls
 * are answered first and their continuations run before this one's), then
 * two hops through a MessageChannel (React's scheduler renders in a
 * MessageChannel task queued before ours). Used where a test proves that
 * something did NOT happen: the thing would have travelled this same way.
 * Works under Playwright's fake clock (no timers, no animation frames).
 */
export async function pageSettled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await window.venue.whoAmI({});
    for (let hop = 0; hop < 2; hop++) {
      await new Promise<void>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          channel.port1.close();
          resolve();
        };
        channel.port2.postMessage(null);
      });
    }
  });
}

/**
 * The card of read `seq` has been on screen long enough to take Enter or F2
 * as a decision about it (MIN_CARD_AGE_FOR_KEY_MS in
 * renderer/src/stores/reception.ts, 300 ms of page time). The card marks the
 * moment it was painted (performance mark venue:verdict-shown): this waits
 * on that page state, not on a fixed time of the test machine.
 */
export async function cardTakesKeys(page: Page, seq: number): Promise<void> {
  await page.waitForFunction((wanted) => {
    const shown = performance.getEntriesByName('venue:verdict-shown').find((mark) => (mark as PerformanceMark).detail?.seq === wanted);
    return shown !== undefined && performance.now() - shown.startTime >= 300;
  }, seq);
}

/**
 * Reception admits the person on the card: its check-in button is clicked (Playwright waits for it to be visible,
 * stable and enabled) and the card says checked in.
 */
export async function checkInOnCard(page: Page): Promise<void> {
  await page.getByTestId('check-in-button').click();
  await page.getByTestId('checked-in').waitFor();
}

/** A person's pause before a lone key: longer than ENTER_QUIET_MS (500 ms, renderer/src/app/shortcuts.ts). */
const PAUSE_S = 0.6;

/**
 * A lone key pressed after a pause: stamped (through the DevTools protocol,
 * as handheldScan does) PAUSE_S after now and after anything sent before, so
 * the page sees that pause between the last typed key and this one however
 * quickly the test sends it. No waiting on the test machine's clock.
 */
export async function pressAfterAPause(page: Page, key: 'Enter' | 'F2'): Promise<void> {
  const cdp = await cdpOf(page);
  const at = Math.max(Date.now() / 1000, lastSent.get(page) ?? 0) + PAUSE_S;
  const event = key === 'Enter' ? keyEvent('Enter') : { key: 'F2', code: 'F2', windowsVirtualKeyCode: 113 };
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...event, timestamp: at });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: event.key, code: event.code, windowsVirtualKeyCode: event.windowsVirtualKeyCode, timestamp: at + 0.0005 });
  lastSent.set(page, at);
}

/** Desks in their own browser contexts, each signed in as its role, in the order given. */
export async function signedInDesks<const R extends readonly DemoRole[]>(browser: Browser, url: string, roles: R): Promise<{ -readonly [K in keyof R]: Page }> {
  const pages: Page[] = [];
  for (let i = 0; i < roles.length; i++) pages.push((await openDesk(browser, url)).page);
  for (const [i, role] of roles.entries()) await signIn(pages[i] as Page, role);
  return pages as { -readonly [K in keyof R]: Page };
}
