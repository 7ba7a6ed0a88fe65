/**
 * Training mode in real Chromium against the browser host: a supervisor
 * switches the desk into training from Settings; the band 「練習モード」 is
 * on every screen, from the sign-in on; a trainee checks a practice person
 * in and prints the sheet of dummy tickets; the VRS export is refused. The
 * real database file is compared byte for byte before and after the whole
 * training scenario, and once a real supervisor has switched back, the
 * person checked in while training is not checked in for real.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/api/runtime';
import { DEMO_STAFF, DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { currentSeq, handheldScan, nextSupervisorCode, nextVerdict, signIn } from './support/desk';
import { startTestHost, type TestHost } from './support/host';

let host: TestHost;
let browser: Browser;
let page: Page;

const realFile = () => join(host.dataDir, DATABASE_FILE);
const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function bandOnScreen(name: string): Promise<void> {
  const band = page.getByTestId('training-band');
  await band.waitFor();
  expect(await band.textContent()).toContain('練習モード');
  // Nothing covers it: the element on top at its middle is the band (or inside it).
  const covered = await band.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return top === null || !el.contains(top);
  });
  expect(covered, name).toBe(false);
  await saveScreen(page, `training-${name}`);
}

beforeAll(async () => {
  host = await startTestHost();
  browser = await launchChromium();
  ({ page } = await openDesk(browser, host.url));
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

describe('training mode', () => {
  let realBefore = '';

  it('a supervisor switches the desk into training; the sign-in screen shows the band at once', async () => {
    await signIn(page, 'supervisor');
    expect(await page.getByTestId('training-band').count()).toBe(0);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('training-people').fill('500');
    await page.getByTestId('training-start').click();
    await page.getByTestId('screen-signin').waitFor();
    await bandOnScreen('signin');
    // The real database is closed now, whole (no log beside it): what it is from here on must stay.
    expect(existsSync(`${realFile()}-wal`)).toBe(false);
    realBefore = fileHash(realFile());
  });

  it('a trainee checks a practice person in, with the band on every screen', async () => {
    await signIn(page, 'reception');
    await bandOnScreen('reception');
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.ok));
    expect((await nextVerdict(page, seq)).code).toBe('OK');
    await page.getByTestId('check-in-button').click();
    await page.getByTestId('checked-in').waitFor();
    // A generated person of the 500.
    const next = await currentSeq(page);
    await handheldScan(page, ticketLine('2000000499'));
    expect((await nextVerdict(page, next)).code).toBe('OK');
    await page.keyboard.press('F9');
    await page.getByTestId('lock-screen').waitFor();
    await bandOnScreen('lock');
    await page.getByTestId('lock-signout').click();
    await page.getByTestId('screen-signin').waitFor();
  });

  it('the practice supervisor prints the sheet of dummy tickets; the VRS export is refused', async () => {
    await signIn(page, 'supervisor');
    await bandOnScreen('supervisor');
    await page.getByTestId('nav-settings').click();
    await bandOnScreen('settings');
    const download = page.waitForEvent('download');
    await page.getByTestId('training-sheet').click();
    const file = await (await download).path();
    const pdf = readFileSync(file);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    await page.getByTestId('nav-supervisor').click();
    await page.getByTestId('sup-tab-export').click();
    await page.getByTestId('export-download').click();
    await page.getByTestId('export-error').waitFor();
    expect(await page.getByTestId('export-error').textContent()).toContain('練習モードではできません');
    await bandOnScreen('export');
  });

  it('leaves the real database byte for byte as it was; a real supervisor switches back, and nothing recorded in training is there', async () => {
    expect(fileHash(realFile())).toBe(realBefore);
    expect(existsSync(`${realFile()}-wal`)).toBe(false);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('training-leave-login').fill(DEMO_STAFF.supervisor.login);
    await page.getByTestId('training-leave-password').fill(DEMO_STAFF.supervisor.password);
    // The real supervisor's authenticator app (the real database here is the demo venue's).
    await page.getByTestId('training-leave-code').fill(nextSupervisorCode(new URL(page.url()).host));
    await page.getByTestId('training-leave').click();
    await page.getByTestId('screen-signin').waitFor();
    await expect.poll(() => page.getByTestId('training-band').count()).toBe(0);
    expect(existsSync(join(host.dataDir, 'training'))).toBe(false);
    // The real desk: the practice check-in never reached it.
    await signIn(page, 'reception');
    expect(await page.getByTestId('training-band').count()).toBe(0);
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.ok));
    expect((await nextVerdict(page, seq)).code).toBe('OK');
    expect((host.db.prepare(`SELECT count(*) AS n FROM checkins`).get() as { n: number }).n).toBe(0);
  });
});

