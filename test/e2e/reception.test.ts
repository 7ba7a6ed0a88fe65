/**
 * Reception in real Chromium: the camera reads a QR ticket (Chromium's fake
 * camera plays a video made from the rendered ticket), the card shows who it
 * is, one key or tap checks them in. Refusals come through the handheld
 * scanner (key bursts) and manual entry. Every step asserts what the person
 * at the desk sees.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MUNICIPALITY, DEMO_TICKETS as T, OTHER_MUNICIPALITY, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { cardTakesKeys, currentSeq, handheldScan, nextVerdict, pageSettled, pressAfterAPause, signIn, typeLikeAPerson, verdict } from './support/desk';
import { startTestHost, type TestHost } from './support/host';
import { ticketNw7, ticketQr, writeY4m } from './support/video';

let host: TestHost;
let browser: Browser;
let page: Page;
let videos: string;

function checkinsOf(number: string): number {
  return (host.db.prepare(`SELECT count(*) AS n FROM checkins WHERE ticket_number = ? AND voided_by IS NULL`).get(number) as { n: number }).n;
}

function scanCalls(): number {
  return host.logs.filter((line) => line.includes('call scanTicket')).length;
}

/**
 * Counts, in the page, the decode worker's results that found a code
 * (window.decodedFrames): the camera's "I still see it", observed from
 * outside the app without changing it.
 */
async function countDecodedFrames(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Base = window.Worker;
    window.Worker = class extends Base {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.addEventListener('message', (event: MessageEvent<{ type?: string; codes?: unknown[] }>) => {
          if (event.data?.type === 'result' && (event.data.codes?.length ?? 0) > 0) {
            const w = window as unknown as { decodedFrames?: number };
            w.decodedFrames = (w.decodedFrames ?? 0) + 1;
          }
        });
      }
    };
  });
}

async function decodedFrames(target: Page): Promise<number> {
  return target.evaluate(() => Number((window as unknown as { decodedFrames?: number }).decodedFrames ?? 0));
}

async function soundCount(name: 'ok' | 'refusal'): Promise<number> {
  return page.evaluate((n) => Number(document.documentElement.dataset[n === 'ok' ? 'soundOk' : 'soundRefusal'] ?? '0'), name);
}

beforeAll(async () => {
  videos = mkdtempSync(join(tmpdir(), 'venue-video-'));
  writeY4m(join(videos, 'qr.y4m'), [{ picture: ticketQr(ticketLine(T.ok)), frames: 1 }]);
  host = await startTestHost();
  browser = await launchChromium({ video: join(videos, 'qr.y4m') });
  ({ page } = await openDesk(browser, host.url, { beforeLoad: countDecodedFrames }));
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
  rmSync(videos, { recursive: true, force: true });
});

describe('reception', () => {
  it('shows the sign-in screen first, with the device named and nothing personal', async () => {
    await expect.poll(() => page.getByTestId('screen-signin').isVisible()).toBe(true);
    expect(await page.getByTestId('signin-device').textContent()).toContain('区民会館ホール');
    await saveScreen(page, 'signin');
    await signIn(page, 'reception');
    expect(await page.getByTestId('staff-name').textContent()).toBe('受付 太郎');
  });

  it('reads a QR ticket with the camera and shows the verdict card at once, in large type, with word, icon and colour', async () => {
    await page.getByTestId('scanner-video').waitFor();
    await page.getByTestId('aim-frame').waitFor();
    const card = await nextVerdict(page, 0, 20_000);
    expect(card.code).toBe('OK');
    const v = verdict(page);
    expect(await v.getAttribute('data-tone')).toBe('ok');
    expect(await page.getByTestId('verdict-word').textContent()).toBe('受付可');
    expect(await v.locator('svg.icon').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('person-kanji').textContent()).toBe('山田 太郎');
    expect(await page.getByTestId('person-kana').textContent()).toBe('ヤマダ タロウ');
    const birth = await page.getByTestId('person-birth').textContent();
    expect(birth).toContain('昭和33年4月12日');
    expect(birth).toContain('1958年4月12日');
    expect(birth).toMatch(/\d+歳/);
    expect(await page.getByTestId('person-sex').textContent()).toBe('男性');
    const booking = await page.getByTestId('booking').textContent();
    expect(booking).toContain('10:00–10:30');
    expect(booking).toContain('1回目');
    expect(await page.getByTestId('next-booking').textContent()).toContain('2回目');
    // The name is shown in large type: the biggest text on the card.
    const size = await page.getByTestId('person-kanji').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(40);
    expect(await soundCount('ok')).toBeGreaterThanOrEqual(1);
    await saveScreen(page, 'reception-ok');
    // The worker reads the camera track's own frames (no read-back on the page: see renderer/src/scanner/video-frames.ts).
    expect(await page.getByTestId('scanner').getAttribute('data-frame-source')).toBe('stream');
  });

  it('still reads with the camera where the browser has no MediaStreamTrackProcessor, reading frames back on the page', async () => {
    const { context, page: other } = await openDesk(browser, host.url, {
      beforeLoad: async (c) => {
        await c.addInitScript(() => Reflect.deleteProperty(globalThis, 'MediaStreamTrackProcessor'));
      },
    });
    try {
      await signIn(other, 'reception');
      const card = await nextVerdict(other, 0, 20_000);
      expect(card.code).toBe('OK');
      expect(await other.getByTestId('scanner').getAttribute('data-frame-source')).toBe('readback');
    } finally {
      await context.close();
    }
  });

  it('checks the person in with one tap, and the same ticket held in view does not check in twice', async () => {
    const seq = await currentSeq(page);
    await page.getByTestId('check-in-button').click();
    await page.getByTestId('checked-in').waitFor();
    expect(await page.getByTestId('checked-in').textContent()).toContain('受付しました');
    expect(checkinsOf(T.ok)).toBe(1);
    // The ticket stays in front of the camera: no new read, no second check-in, the card stays.
    // Not a pause but the decoder's own output: it has found the held ticket in 30 more frames, and none became a read.
    const decoded = await decodedFrames(page);
    await page.waitForFunction((before) => Number((window as unknown as { decodedFrames?: number }).decodedFrames ?? 0) >= before + 30, decoded, { timeout: 30_000 });
    await pageSettled(page);
    expect(await currentSeq(page)).toBe(seq);
    expect(await verdict(page).getAttribute('data-verdict')).toBe('OK');
    await page.keyboard.press('F2');
    // A second check-in F2 had sent would be answered before this round trip.
    await pageSettled(page);
    expect(checkinsOf(T.ok)).toBe(1);
    await saveScreen(page, 'reception-checked-in');
  });

  const refusals = [
    { name: 'a ticket booked another day', code: ticketLine(T.bookedOtherDay), verdict: 'NOT_BOOKED_TODAY', who: '田中 洋子', screen: 'reception-not-booked-today' },
    { name: 'someone already vaccinated', code: ticketLine(T.alreadyVaccinated, 3), verdict: 'ALREADY_VACCINATED', who: '渡辺 健二', screen: 'reception-already-vaccinated' },
    { name: 'a void ticket (moved out)', code: ticketLine(T.moved), verdict: 'TICKET_VOID', who: null, screen: 'reception-ticket-void' },
    { name: 'a ticket of another municipality', code: ticketLine(T.ok, 1, OTHER_MUNICIPALITY), verdict: 'OTHER_MUNICIPALITY', who: null, screen: 'reception-other-municipality' },
    { name: 'someone booked at another venue today', code: ticketLine(T.otherVenue), verdict: 'WRONG_VENUE', who: '中村 聡', screen: 'reception-wrong-venue' },
    { name: 'a second dose too soon after the first', code: ticketLine(T.tooSoon, 2), verdict: 'INTERVAL_NOT_MET', who: '小林 結衣', screen: 'reception-interval-not-met' },
    { name: 'a child below the product’s age', code: ticketLine(T.tooYoung), verdict: 'AGE_NOT_ELIGIBLE', who: '加藤 空', screen: 'reception-age-not-eligible' },
    { name: 'a booking that skips a dose in the records', code: ticketLine(T.outOfOrder, 3), verdict: 'DOSE_OUT_OF_ORDER', who: '吉田 誠', screen: 'reception-dose-out-of-order' },
    { name: 'a ticket not in the roster', code: ticketLine(T.unknown), verdict: 'UNKNOWN_TICKET', who: null, screen: 'reception-unknown-ticket' },
  ] as const;

  for (const refusal of refusals) {
    it(`refuses ${refusal.name} with the reason and what to do next (handheld scanner)`, async () => {
      const seq = await currentSeq(page);
      const before = await soundCount('refusal');
      await handheldScan(page, refusal.code);
      const card = await nextVerdict(page, seq);
      expect(card.code).toBe(refusal.verdict);
      expect(await verdict(page).getAttribute('data-tone')).toBe('refuse');
      expect(await page.getByTestId('verdict-word').textContent()).toBe('受付不可');
      expect((await page.getByTestId('verdict-headline').textContent())?.length).toBeGreaterThan(4);
      expect((await page.getByTestId('verdict-advice').textContent())?.length).toBeGreaterThan(8);
      expect(await page.getByTestId('check-in-button').count()).toBe(0);
      expect(await verdict(page).locator('svg.icon').count()).toBeGreaterThan(0);
      if (refusal.who) expect(await page.getByTestId('person-kanji').textContent()).toBe(refusal.who);
      expect(await soundCount('refusal')).toBe(before + 1);
      await saveScreen(page, refusal.screen);
    });
  }

  it('refuses a misread check digit on the page itself: nothing is sent to the core', async () => {
    const seq = await currentSeq(page);
    const calls = scanCalls();
    // 131017: the municipality code of 千代田区 with its last digit misread.
    await handheldScan(page, `11131017${T.okSecond}`);
    const card = await nextVerdict(page, seq);
    expect(card.code).toBe('READ_ERROR');
    expect(await verdict(page).getAttribute('data-error')).toBe('BAD_CHECK_DIGIT');
    expect(await page.getByTestId('verdict-word').textContent()).toBe('読み取り失敗');
    expect(await page.getByTestId('verdict-headline').textContent()).toContain('読み取りの誤り');
    expect(scanCalls()).toBe(calls);
    await saveScreen(page, 'reception-misread');
  });

  it('shows ALREADY_CHECKED_IN when the checked-in ticket comes back', async () => {
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.ok));
    expect((await nextVerdict(page, seq)).code).toBe('ALREADY_CHECKED_IN');
    expect(await verdict(page).getAttribute('data-tone')).toBe('caution');
    // The desk as staff know it, not its code.
    expect(await page.getByTestId('already-checked-in').textContent()).toContain('受付1');
    await saveScreen(page, 'reception-already-checked-in');
  });

  it('replaces the card at once when a different ticket is read, and only the newest read is ever shown', async () => {
    const seq = await currentSeq(page);
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenCards: string[] }).seenCards = seen;
      new MutationObserver(() => {
        const card = document.querySelector('[data-testid="verdict"]');
        const name = card?.querySelector('[data-testid="person-kanji"]')?.textContent ?? '';
        const entry = `${card?.getAttribute('data-read-seq')}:${card?.getAttribute('data-verdict')}:${name}`;
        if (seen[seen.length - 1] !== entry) seen.push(entry);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await handheldScan(page, ticketLine(T.okSecond, 2));
    await handheldScan(page, ticketLine(T.bookedOtherDay));
    const card = await nextVerdict(page, seq + 1);
    expect(card).toEqual({ code: 'NOT_BOOKED_TODAY', seq: seq + 2 });
    expect(await page.getByTestId('person-kanji').textContent()).toBe('田中 洋子');
    // The older read's answer, had it been late, would be in and drawn after this round trip (answers come in order).
    await pageSettled(page);
    const seen = await page.evaluate(() => (window as unknown as { seenCards: string[] }).seenCards);
    // After the newest card appeared, nothing older came back over it.
    const newest = seen.findIndex((s) => s.startsWith(`${seq + 2}:NOT_BOOKED_TODAY`));
    expect(newest).toBeGreaterThanOrEqual(0);
    expect(seen.slice(newest).every((s) => s.startsWith(`${seq + 2}:`))).toBe(true);
  });

  it('does not take slow typing for a scan, and Enter right after typing does not check anyone in', async () => {
    const seq0 = await currentSeq(page);
    await handheldScan(page, ticketLine(T.okSecond, 2));
    const card = await nextVerdict(page, seq0);
    expect(card.code).toBe('OK');
    // Old enough that Enter would count as a decision about it: only the typing below may stop it.
    await cardTakesKeys(page, card.seq);
    // A person types the same digits on the keyboard (no field focused) and presses Enter.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await typeLikeAPerson(page, ticketLine(T.bookedOtherDay));
    await page.keyboard.press('Enter');
    // A read or a check-in that Enter had started would be answered and drawn by now.
    await pageSettled(page);
    expect(await currentSeq(page)).toBe(card.seq);
    expect(checkinsOf(T.okSecond)).toBe(0);
    // A lone Enter, a moment later (stamped 0.6 s after the typing), is the one-key check-in.
    await pressAfterAPause(page, 'Enter');
    await page.getByTestId('checked-in').waitFor();
    expect(checkinsOf(T.okSecond)).toBe(1);
  });

  it('checks the check digit as the digits are typed, and takes a scan into the focused field as a scan', async () => {
    const input = page.getByTestId('manual-input');
    await input.click();
    await typeLikeAPerson(page, '11131017');
    await expect.poll(() => page.getByTestId('manual-entry').getAttribute('data-state')).toBe('invalid');
    expect(await page.getByTestId('manual-status').textContent()).toContain('3〜8桁目');
    await saveScreen(page, 'reception-manual-entry-typo');
    await input.fill('');
    await typeLikeAPerson(page, '111310');
    expect(await page.getByTestId('manual-entry').getAttribute('data-state')).toBe('incomplete');
    // A handheld scan arrives while the person is typing: it is a scan, and the field keeps what was typed.
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.alreadyVaccinated, 3));
    expect((await nextVerdict(page, seq)).code).toBe('ALREADY_VACCINATED');
    expect(await input.inputValue()).toBe('111310');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('manual-input');
    // Finishing the number by hand: the card for it.
    await typeLikeAPerson(page, `16${T.bookedOtherDay}`);
    expect(await page.getByTestId('manual-entry').getAttribute('data-state')).toBe('complete');
    const seq2 = await currentSeq(page);
    await page.keyboard.press('Enter');
    expect((await nextVerdict(page, seq2)).code).toBe('NOT_BOOKED_TODAY');
    expect(await input.inputValue()).toBe('');
  });

  it('switches to English, with both calendars', async () => {
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.ok));
    await nextVerdict(page, seq);
    await page.getByTestId('language-toggle').click();
    // Already checked in: the precise word, never a vague "check".
    expect(await page.getByTestId('verdict-word').textContent()).toBe('CHECKED IN');
    const birth = await page.getByTestId('person-birth').textContent();
    expect(birth).toContain('12 Apr 1958');
    expect(birth).toContain('Shōwa 33');
    expect(await page.getByTestId('person-sex').textContent()).toBe('Male');
    expect(await page.getByTestId('nav-reception').textContent()).toBe('Reception');
    await saveScreen(page, 'reception-english');
    await page.getByTestId('language-toggle').click();
    expect(await page.getByTestId('verdict-word').textContent()).toBe('受付済み');
  });

  it('fits a portrait tablet, with touch targets of at least 48 px', async () => {
    await page.setViewportSize({ width: 800, height: 1280 });
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.okSecond, 2));
    await nextVerdict(page, seq);
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('button, select, input:not([type="radio"]):not([type="checkbox"]), .chip')]
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => ({ id: el.getAttribute('data-testid') ?? el.textContent, h: el.getBoundingClientRect().height }))
        .filter((b) => b.h < 47.5),
    );
    expect(small).toEqual([]);
    await saveScreen(page, 'reception-tablet');
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('reads a 10-digit NW-7 (Codabar) ticket with the camera, completed with the venue’s municipality', async () => {
    const nw7 = join(videos, 'nw7.y4m');
    writeY4m(nw7, [{ picture: ticketNw7(T.okNw7), frames: 1 }]);
    const other = await launchChromium({ video: nw7 });
    try {
      const desk = await openDesk(other, host.url);
      await signIn(desk.page, 'reception');
      const card = await nextVerdict(desk.page, 0, 20_000);
      expect(card.code).toBe('OK');
      expect(await desk.page.getByTestId('person-kanji').textContent()).toBe('髙橋 一郎');
      expect(await desk.page.getByTestId('ticket-number').textContent()).toContain(`${DEMO_MUNICIPALITY} ${T.okNw7}`);
      await saveScreen(desk.page, 'reception-nw7');
    } finally {
      await other.close();
    }
  });
});
