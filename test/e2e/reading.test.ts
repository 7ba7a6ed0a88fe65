/**
 * Reading what a Japanese venue sees, in real Chromium through the fake
 * camera (Y4M videos of tickets and labels drawn by the bench's scene
 * renderer) and through handheld scanners with real timing:
 * - a ticket with no code at all, only the 18-digit line in OCR-B: read by
 *   the OCR worker, and the card says it came from the printed line;
 * - a ticket whose QR is damaged and whose NW-7 is good: the NW-7 is read;
 * - two tickets in view: "show one", and no verdict;
 * - a ticket too blurred to read: "hold steady", and no card;
 * - a vial's GS1 DataBar Limited at the booth: the lot list narrows to the
 *   product's lots (the composite part with lot and expiry is beyond the decoder);
 * - a Bluetooth scanner sending its keys in clumps is one read, and a test
 *   scan in Settings sets the desk's burst timing for a slower one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, venueDate } from '../../src/common/time';
import { DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { CLUMPED_BLUETOOTH, currentSeq, handheldScan, nextVerdict, signIn } from './support/desk';
import { startTestHost, type TestHost } from './support/host';
import { ticketScene, twoTicketsScene, vialScene } from './support/scenes';
import { writeY4m } from './support/video';

let host: TestHost;
let videos: string;
const browsers: Browser[] = [];

async function deskWithCamera(video: string, role: 'reception' | 'nurse'): Promise<Page> {
  const browser = await launchChromium({ video: join(videos, video) });
  browsers.push(browser);
  const { page } = await openDesk(browser, host.url);
  await signIn(page, role);
  return page;
}

beforeAll(async () => {
  videos = mkdtempSync(join(tmpdir(), 'venue-reading-'));
  const expiry = addDays(venueDate(new Date()), 120).replace(/-/g, '').slice(2);
  writeY4m(join(videos, 'ocr-only.y4m'), [{ picture: ticketScene({ line: ticketLine(T.ok), qr: 'none', nw7: false, ocr: true }), frames: 1 }]);
  writeY4m(join(videos, 'damaged-qr.y4m'), [{ picture: ticketScene({ line: ticketLine(T.okNw7), qr: 'damaged', nw7: true, ocr: false }, 2), frames: 1 }]);
  writeY4m(join(videos, 'two-tickets.y4m'), [
    { picture: twoTicketsScene({ line: ticketLine(T.ok), qr: 'good', nw7: false, ocr: false }, { line: ticketLine(T.okNw7), qr: 'good', nw7: false, ocr: false }), frames: 1 },
  ]);
  writeY4m(join(videos, 'blurred.y4m'), [{ picture: ticketScene({ line: ticketLine(T.ok), qr: 'good', nw7: true, ocr: true }, 4, { defocus: 3.2 }), frames: 1 }]);
  writeY4m(join(videos, 'vial.y4m'), [{ picture: vialScene(`(01)04987123456784|(17)${expiry}(10)FA1234`), frames: 1 }]);
  host = await startTestHost();
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await host?.dispose();
  rmSync(videos, { recursive: true, force: true });
});

describe('reading by camera', () => {
  it('reads a ticket that has only the printed 18-digit line, and says the card came from the line', async () => {
    const page = await deskWithCamera('ocr-only.y4m', 'reception');
    const card = await nextVerdict(page, 0, 30_000);
    expect(card.code).toBe('OK');
    expect(await page.getByTestId('person-kanji').textContent()).toBe('山田 太郎');
    expect(await page.getByTestId('read-from-line').textContent()).toContain('生年月日');
    await saveScreen(page, 'reception-ocr-line');
  });

  it('reads the good NW-7 of a ticket whose QR is damaged', async () => {
    const page = await deskWithCamera('damaged-qr.y4m', 'reception');
    expect((await nextVerdict(page, 0, 30_000)).code).toBe('OK');
    expect(await page.getByTestId('person-kanji').textContent()).toBe('髙橋 一郎');
    expect(await page.getByTestId('read-from-line').count()).toBe(0);
  });

  it('says "two tickets in view" instead of a verdict when two tickets are shown', async () => {
    const page = await deskWithCamera('two-tickets.y4m', 'reception');
    await page.locator('[data-testid="verdict"][data-error="TWO_TICKETS"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('verdict-headline').textContent()).toContain('2枚');
    expect(await page.getByTestId('person-kanji').count()).toBe(0);
    await saveScreen(page, 'reception-two-tickets');
  });

  it('asks to hold steady while the ticket is too blurred to read, and shows no card', async () => {
    const page = await deskWithCamera('blurred.y4m', 'reception');
    await page.getByTestId('steady-hint').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('steady-hint').textContent()).toBe('そのまま動かさずに');
    expect(await page.getByTestId('verdict').count()).toBe(0);
  });

  it('narrows the lot choice to the product of a vial whose DataBar gives only its GTIN', async () => {
    const page = await deskWithCamera('vial.y4m', 'nurse');
    const narrowed = page.getByTestId('lot-narrowed');
    await narrowed.waitFor({ timeout: 30_000 });
    expect(await narrowed.getAttribute('data-product')).toBe('PFZ-COMIRNATY');
    const options = await page.getByTestId('lot-select').locator('option').allTextContents();
    expect(options.some((o) => o.includes('FA1234'))).toBe(true);
    expect(options.some((o) => o.includes('MS0001'))).toBe(false);
    await saveScreen(page, 'nurse-vial-databar');
  });
});

describe('handheld scanners of every kind', () => {
  let page: Page;
  beforeAll(async () => {
    const browser = await launchChromium();
    browsers.push(browser);
    ({ page } = await openDesk(browser, host.url));
    await signIn(page, 'reception');
  });

  it('takes a Bluetooth scanner’s clumped burst (three keys at once, then 90 ms) as one read', async () => {
    // Every card the desk shows from here on, in order (a split read would show a read error first).
    await page.evaluate(() => {
      const shown: string[] = [];
      Object.assign(window, { shownCards: shown });
      new MutationObserver(() => {
        const card = document.querySelector('[data-testid="verdict"]');
        const code = card?.getAttribute('data-verdict');
        const key = `${card?.getAttribute('data-read-seq')}:${code}`;
        if (code && code !== 'READING' && shown[shown.length - 1] !== key) shown.push(key);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.bookedOtherDay), CLUMPED_BLUETOOTH);
    const card = await nextVerdict(page, seq);
    expect(card.code).toBe('NOT_BOOKED_TODAY');
    expect(await page.evaluate(() => (window as unknown as { shownCards: string[] }).shownCards)).toEqual([`${card.seq}:NOT_BOOKED_TODAY`]);
  });

  it('measures the desk’s own scanner with a test scan in Settings and reads its slow clumps as one scan from then on', async () => {
    const slow = [2, 2, 2, 2, 230];
    // Before: pauses of 230 ms break the read into pieces too short to be a scan: nothing is read
    // (the next card is the next scan's), never a piece of the number.
    let seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.alreadyVaccinated), slow);
    await handheldScan(page, ticketLine(T.bookedOtherDay));
    expect((await nextVerdict(page, seq)).code).toBe('NOT_BOOKED_TODAY');
    expect((await page.evaluate(() => (window as unknown as { shownCards: string[] }).shownCards)).slice(-2).map((c) => c.split(':')[1])).toEqual(['NOT_BOOKED_TODAY', 'NOT_BOOKED_TODAY']);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('test-scan-start').click();
    await page.getByTestId('test-scan-listening').waitFor();
    await handheldScan(page, '4987123456784', slow);
    await page.getByTestId('test-scan-result').waitFor();
    expect(Number(await page.getByTestId('test-scan-gap').getAttribute('data-split-gap'))).toBeGreaterThanOrEqual(230);
    await saveScreen(page, 'settings-test-scan');
    await page.getByTestId('nav-reception').click();
    seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.alreadyVaccinated), slow);
    expect((await nextVerdict(page, seq)).code).toBe('ALREADY_VACCINATED');
  });
});
