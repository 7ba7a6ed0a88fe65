/** What a person at a desk does, as test steps: sign in, scan with the handheld, wait for the card. */
import type { Locator, Page } from 'playwright-core';
import { DEMO_STAFF } from '../../fixtures/demo';

export type DemoRole = keyof typeof DEMO_STAFF;

export async function signIn(page: Page, role: DemoRole): Promise<void> {
  const staff = DEMO_STAFF[role];
  await page.getByTestId('signin-login').fill(staff.login);
  await page.getByTestId('signin-password').fill(staff.password);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('staff-name').waitFor();
}

/**
 * A handheld scanner in keyboard mode: the read typed in one fast burst, then
 * Enter. The key presses are all sent at once, without waiting for each to be
 * acknowledged, as a scanner sends them: on a busy test machine a round trip
 * per key would spread the burst out to human typing speed.
 */
export async function handheldScan(page: Page, text: string): Promise<void> {
  await Promise.all([...text, 'Enter'].map((key) => page.keyboard.press(key)));
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
