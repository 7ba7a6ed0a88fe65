/**
 * Two-factor sign-in on screen, in real Chromium: a stand-alone device set
 * up on its first-run screen; its first supervisor is asked to set up the
 * second factor before any supervisor work, sees the QR code and the key
 * once, confirms with the first code, sees the ten recovery codes once; from
 * then on sign-in and the lock screen ask for the code (a replayed one is
 * refused), and a recovery code stands in for a lost phone. Neither the
 * secret nor a code reaches the host's log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCodeForStep, totpStep, TOTP_PERIOD_SECONDS } from '../../src/staff/second-factor';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { startTestHost, type TestHost } from './support/host';
import { forwardableClock } from './support/clock';

let host: TestHost;
let browser: Browser;
let page: Page;
let work: string;
let secret = '';
let recoveryCodes: string[] = [];
let lastStep = 0;

const SUPERVISOR = { login: 'sekinin', displayName: '責任 一子', password: 'sekinin-pass-1' };

/** The device's clock: the real one, moved on when the supervisor would wait for the app's next code. */
const time = forwardableClock();

/**
 * The next code of the supervisor's app: a step not used yet (each is
 * accepted once) and no later than the next one (the drift window). When
 * both are used, the person waits for the app's next code: the device's
 * clock is moved on to the next step (no waiting here).
 */
function nextCode(): string {
  const wanted = lastStep + 1;
  time.forward((wanted - 1) * TOTP_PERIOD_SECONDS * 1000 - time.clock.now().getTime() + 50);
  lastStep = Math.max(totpStep(time.clock.now().getTime()), wanted);
  return totpCodeForStep(secret, lastStep);
}

async function fillSignIn(password = SUPERVISOR.password): Promise<void> {
  await page.getByTestId('signin-login').fill(SUPERVISOR.login);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'venue-2fa-'));
  host = await startTestHost({ demo: false, dataDir: join(work, 'device'), clock: time.clock });
  browser = await launchChromium();
  ({ page } = await openDesk(browser, host.url));
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('two-factor sign-in on screen', () => {
  it('a stand-alone device’s first supervisor sets it up: the QR code and key once, then the ten recovery codes once', async () => {
    await page.getByTestId('screen-setup').waitFor();
    await page.getByTestId('setup-mode-standalone').check();
    const fields = { venueId: 'V9', venueName: '練習会場', municipality: '131016', deskId: 'R1', deskName: '受付1', ...SUPERVISOR };
    for (const [name, value] of Object.entries(fields)) await page.getByTestId(`setup-${name}`).fill(value);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('screen-signin').waitFor();
    await fillSignIn();
    await page.getByTestId('tfa-setup').waitFor();
    // Supervisor work waits for it.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('tfa-begin').click();
    await page.getByTestId('tfa-qr').waitFor();
    secret = ((await page.getByTestId('tfa-secret').textContent()) ?? '').replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await saveScreen(page, 'two-factor-setup');
    await page.getByTestId('tfa-code').fill(nextCode());
    await page.getByTestId('tfa-confirm').click();
    await page.getByTestId('tfa-recovery-codes').waitFor();
    recoveryCodes = (await page.getByTestId('tfa-recovery-codes').locator('code').allTextContents()).map((c) => c.trim());
    expect(recoveryCodes).toHaveLength(10);
    // Shown once: the secret is gone from the page already, and the codes go when confirmed.
    expect(await page.getByTestId('tfa-secret').count()).toBe(0);
    await page.getByTestId('tfa-codes-done').click();
    expect(await page.getByTestId('tfa-setup').count()).toBe(0);
    expect(await page.content()).not.toContain(recoveryCodes[0]);
  });

  it('asks the code at sign-in; a used code is refused, the next one signs in', async () => {
    await page.getByTestId('signout-button').click();
    await page.getByTestId('screen-signin').waitFor();
    await fillSignIn();
    await page.getByTestId('signin-code').waitFor();
    // The code used to confirm the setup was spent: typed again, it is refused.
    await page.getByTestId('signin-code').fill(totpCodeForStep(secret, lastStep));
    await page.getByTestId('signin-submit').click();
    await page.locator('[data-testid="signin-error"][data-code="WRONG_CODE"]').waitFor();
    await page.getByTestId('signin-code').fill(nextCode());
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('staff-name').waitFor();
    expect(await page.getByTestId('tfa-setup').count()).toBe(0);
  });

  it('asks the code at the lock screen too', async () => {
    await page.keyboard.press('F9');
    await page.getByTestId('lock-screen').waitFor();
    await page.getByTestId('unlock-password').fill(SUPERVISOR.password);
    await page.getByTestId('unlock-code').fill(nextCode());
    await page.getByTestId('unlock-submit').click();
    await page.getByTestId('staff-name').waitFor();
  });

  it('takes a recovery code instead of the app’s, once, and says how many are left', async () => {
    await page.getByTestId('signout-button').click();
    await fillSignIn();
    await page.getByTestId('signin-code').fill(recoveryCodes[4] ?? '');
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('recovery-codes-left').waitFor();
    expect(await page.getByTestId('recovery-codes-left').textContent()).toContain('9');
    // Read once, it goes: it would take room on a small screen all session.
    await page.getByTestId('recovery-codes-left-close').click();
    await page.getByTestId('recovery-codes-left').waitFor({ state: 'detached' });
    await page.getByTestId('signout-button').click();
    await fillSignIn();
    await page.getByTestId('signin-code').fill(recoveryCodes[4] ?? '');
    await page.getByTestId('signin-submit').click();
    await page.locator('[data-testid="signin-error"][data-code="WRONG_CODE"]').waitFor();
    // Nothing of the secret or the codes in what the host logged.
    const logged = host.logs.join('\n');
    expect(logged).not.toContain(secret);
    for (const code of recoveryCodes) expect(logged).not.toContain(code);
  });
});
