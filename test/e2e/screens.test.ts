/**
 * Screens that fit the desk, in real Chromium, at the sizes staff use: a
 * landscape tablet (1280×800), a portrait tablet (800×1280), a laptop
 * (1366×768), and each at 150 % zoom. On every main screen the primary
 * action (sign in, check in, unlock, record the dose, release from
 * observation, approve a walk-in, close the day, filter the log, export) is
 * inside the viewport without scrolling; the header and the sync bar stay
 * on screen after scrolling; supervisor tables never squeeze a column into
 * one-character stacks; dates are written one way; and axe-core finds no
 * violation. A screenshot of each screen at each size goes to
 * test-results/screens/ (size-<size>-<screen>.png, what the viewport shows).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venueDate } from '../../src/common/time';
import { TOTP_PERIOD_SECONDS } from '../../src/staff/second-factor';
import { DEMO_MUNICIPALITY as M, DEMO_STAFF, DEMO_TICKETS as T, DEMO_VENUE, ticketLine } from '../fixtures/demo';
import { rosterCsv, type FixturePerson } from '../fixtures/roster';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { forwardableClock } from './support/clock';
import { coreDesk, lotIdOf, must } from './support/core';
import { currentSeq, handheldScan, nextVerdict, signIn } from './support/desk';
import { startTestHost, type TestHost } from './support/host';
import { axeViolations, headerAfterScroll, placement, SCREEN_SIZES, squeezedCells, strayDates, type ScreenSize } from './support/screens';

let host: TestHost;
const time = forwardableClock();
let browser: Browser;

/** Eight more people booked here today, so the nurse's queue holds more than five. */
const KANJI = ['青木 一郎', '井上 花', '上田 浩', '江口 恵', '大野 誠', '川村 愛', '木下 学', '久保 結'];
const KANA = ['アオキ イチロウ', 'イノウエ ハナ', 'ウエダ ヒロシ', 'エグチ メグミ', 'オオノ マコト', 'カワムラ アイ', 'キノシタ マナブ', 'クボ ユイ'];
const queuePeople = (today: string): FixturePerson[] =>
  KANJI.map((kanji, i) => {
    const number = `00002000${String(i + 1).padStart(2, '0')}`;
    return {
      municipality: M,
      ticketNumber: number,
      personRef: `S${number}`,
      nameKana: KANA[i] ?? '',
      nameKanji: kanji,
      birthDate: `19${50 + i}-0${1 + (i % 9)}-1${i}`,
      sex: i % 2 ? 'F' : 'M',
      bookings: [{ id: `BK-S-${number}`, venue: DEMO_VENUE.id, date: today, slot: '10:00-10:30', dose: 1, product: 'PFZ-COMIRNATY' }],
    };
  });

beforeAll(async () => {
  // The supervisor signs in at every size, with the code their app shows: the device's clock moves on to the
  // app's next code before each sign-in, as a person's would while they wait (a recovery code is for a lost phone).
  host = await startTestHost({ clock: time.clock });
  const people = queuePeople(venueDate(new Date()));
  must(coreDesk(host, 'supervisor').call('importRoster', { csvBase64: rosterCsv(people).toString('base64') }));
  const reception = coreDesk(host, 'reception');
  for (const person of people) must(reception.call('checkIn', { municipality: M, number: person.ticketNumber }));
  // The last of them had the dose: someone on the observation board.
  const last = people.at(-1)?.ticketNumber ?? '';
  must(coreDesk(host, 'nurse').call('recordDose', { municipality: M, ticketNumber: last, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lotIdOf(host, 'FA1234') }));
  // A walk-in waiting for the supervisor.
  must(reception.call('scanTicket', { code: ticketLine(T.bookedOtherDay) }));
  must(reception.call('requestWalkIn', { municipality: M, number: T.bookedOtherDay }));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

/** Everything found wrong at one size, so one run names all of it. */
class Findings {
  readonly problems: string[] = [];
  constructor(
    private readonly page: Page,
    private readonly size: ScreenSize,
  ) {}

  /** The screen's primary action (or what must be seen) wholly inside the viewport, as the page first shows it. */
  async inView(screen: string, testId: string): Promise<void> {
    const locator = this.page.getByTestId(testId).first();
    if (!(await locator.isVisible())) {
      this.problems.push(`${screen}: ${testId} is not on the screen at all`);
      return;
    }
    const { box, inside } = await placement(this.page, locator);
    if (!inside) this.problems.push(`${screen}: ${testId} outside the viewport at y=${Math.round(box.y)}..${Math.round(box.y + box.height)}`);
  }

  /** Who the action is for stays readable: wholly in view, and not under the action bar kept at the bottom. */
  async readableAbove(screen: string, testId: string, actionTestId: string): Promise<void> {
    const { box, inside } = await placement(this.page, this.page.getByTestId(testId).first());
    const action = await this.page.getByTestId(actionTestId).first().boundingBox();
    if (!inside || !action || box.y + box.height > action.y + 0.5) {
      this.problems.push(`${screen}: ${testId} (y=${Math.round(box.y)}..${Math.round(box.y + box.height)}) is not readable above ${actionTestId} (y=${Math.round(action?.y ?? -1)})`);
    }
  }

  /** The camera's hint never covers its aiming frame: the two boxes do not meet. */
  async hintBesideAim(screen: string): Promise<void> {
    const aim = await this.page.getByTestId('aim-frame').first().boundingBox();
    const hint = await this.page.locator('[data-testid="aim-hint"], [data-testid="steady-hint"]').first().boundingBox();
    if (!aim || !hint) {
      this.problems.push(`${screen}: no aiming frame or no hint`);
      return;
    }
    const meet = hint.x < aim.x + aim.width && aim.x < hint.x + hint.width && hint.y < aim.y + aim.height && aim.y < hint.y + hint.height;
    if (meet) this.problems.push(`${screen}: the hint (y=${Math.round(hint.y)}..${Math.round(hint.y + hint.height)}) covers the aiming frame (y=${Math.round(aim.y)}..${Math.round(aim.y + aim.height)})`);
  }

  /** The header, the axe rules, the dates, the tables; and the screenshot. */
  async screen(screen: string, options: { shell?: boolean; tables?: boolean } = {}): Promise<void> {
    await saveScreen(this.page, `size-${this.size.name}-${screen}`, { fullPage: false });
    if (options.shell !== false) {
      const { scrolled, header, sync } = await headerAfterScroll(this.page);
      const height = this.size.viewport.height;
      if (!header || Math.abs(header.y) > 1) this.problems.push(`${screen}: the header left the screen after scrolling ${scrolled}px (y=${header?.y})`);
      if (!sync || sync.y < 0 || sync.y + sync.height > height) this.problems.push(`${screen}: the sync bar left the screen after scrolling ${scrolled}px (y=${sync?.y})`);
      for (const date of await strayDates(this.page)) this.problems.push(`${screen}: a date written as ${date}`);
    }
    if (options.tables) for (const cell of await squeezedCells(this.page)) this.problems.push(`${screen}: "${cell.text}" squeezed into ${cell.lines} lines`);
    for (const violation of await axeViolations(this.page)) this.problems.push(`${screen}: axe ${violation}`);
  }
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('signout-button').click();
  await page.getByTestId('screen-signin').waitFor();
}

async function receptionAndLock(page: Page, found: Findings): Promise<void> {
  await page.getByTestId('screen-signin').waitFor();
  await found.inView('sign-in', 'signin-submit');
  await found.screen('sign-in', { shell: false });
  await signIn(page, 'reception');
  const seq = await currentSeq(page);
  await handheldScan(page, ticketLine(T.ok));
  expect((await nextVerdict(page, seq)).code).toBe('OK');
  await found.inView('reception', 'check-in-button');
  // Staff confirm the name before they check in: it is not hidden under the button kept in view.
  await found.readableAbove('reception', 'person-kanji', 'check-in-button');
  // The camera's view (its aiming frame) and the card's word, both in view at once, whichever way the tablet is held.
  await found.inView('reception', 'aim-frame');
  await found.inView('reception', 'verdict-word');
  await found.hintBesideAim('reception');
  await found.screen('reception');
  await page.keyboard.press('F9');
  await page.getByTestId('lock-screen').waitFor();
  await found.inView('lock', 'unlock-submit');
  await found.screen('lock', { shell: false });
  await page.getByTestId('unlock-password').fill(DEMO_STAFF.reception.password);
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId('screen-reception').waitFor();
  await signOut(page);
}

async function nurseAndBoard(page: Page, found: Findings, size: ScreenSize): Promise<void> {
  await signIn(page, 'nurse');
  await page.getByTestId('screen-nurse').waitFor();
  await expect.poll(() => page.getByTestId('queue-item').count()).toBe(7);
  if (size.landscapeTablet) {
    let shown = 0;
    for (const item of await page.getByTestId('queue-item').all()) if ((await placement(page, item)).inside) shown += 1;
    if (shown < 5) found.problems.push(`nurse: the queue shows ${shown} people without scrolling`);
  }
  await page.getByTestId('queue-item').first().click();
  await page.getByTestId('dose-form').waitFor();
  await page.getByTestId('dose-facts').waitFor();
  await found.inView('nurse', 'record-dose-button');
  await found.readableAbove('nurse', 'person-kanji', 'record-dose-button');
  await found.hintBesideAim('nurse');
  await found.screen('nurse');
  // A lot of another product than booked: the save stops for a confirmation with a reason, whose button stays in view.
  await page.getByTestId('lot-select').selectOption(lotIdOf(host, 'MS0001'));
  await page.getByTestId('site-left_arm').check();
  await page.getByTestId('doctor').fill('予診 医師');
  await page.getByTestId('record-dose-button').click();
  await page.getByTestId('check-confirm').waitFor();
  // As the form first shows, before anything typed or clicked in it could scroll the page.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await found.inView('nurse-confirm', 'check-confirm-button');
  await found.inView('nurse-confirm', 'check-cancel');
  await saveScreen(page, `size-${size.name}-nurse-confirm`, { fullPage: false });
  await page.getByTestId('check-cancel').click();
  // 「接種しなかった」: the reasons' save and cancel stay in view too.
  await page.getByTestId('not-performed-button').click();
  await page.getByTestId('not-performed').waitFor();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await found.inView('nurse-not-given', 'save-not-performed');
  await found.inView('nurse-not-given', 'not-performed-cancel');
  await saveScreen(page, `size-${size.name}-nurse-not-given`, { fullPage: false });
  await page.getByTestId('not-performed-cancel').click();
  // The desk's lot back as it was, for the next size.
  await page.getByTestId('lot-select').selectOption(lotIdOf(host, 'FA1234'));
  await page.getByTestId('nav-observation').click();
  await page.getByTestId('observation-item').first().waitFor();
  await found.inView('observation', 'release-button');
  // A time left, never to be read as a clock time.
  const countdown = (await page.getByTestId('countdown').first().textContent()) ?? '';
  if (!/^あと\d+分\d{2}秒$/.test(countdown)) found.problems.push(`observation: the countdown reads "${countdown}"`);
  await found.screen('observation');
  await signOut(page);
}

async function supervisorScreens(page: Page, found: Findings): Promise<void> {
  time.forward(TOTP_PERIOD_SECONDS * 1000);
  await signIn(page, 'supervisor', () => time.clock.now().getTime());
  await page.getByTestId('screen-supervisor').waitFor();
  await page.getByTestId('walk-in-item').first().waitFor();
  await found.inView('supervisor', 'walk-in-approve');
  await found.screen('supervisor', { tables: true });
  await page.getByTestId('sup-tab-day').click();
  await page.getByTestId('day-report').getByTestId('day-counts').waitFor();
  await found.inView('day', 'close-day-start');
  await found.screen('day', { tables: true });
  await page.getByTestId('sup-tab-audit').click();
  await page.getByTestId('audit-entry').first().waitFor();
  await found.inView('audit', 'audit-apply');
  const shown = await page.getByTestId('audit-entries').innerText();
  if (/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/i.test(shown)) found.problems.push('audit: a raw UUID is shown');
  if (/[{]"/.test(shown)) found.problems.push('audit: raw JSON is shown');
  await found.screen('audit', { tables: true });
  await page.getByTestId('sup-tab-staff').click();
  await page.getByTestId('staff-row').first().waitFor();
  await found.screen('staff', { tables: true });
  await page.getByTestId('sup-tab-export').click();
  await found.inView('export', 'export-download');
  await found.screen('export');
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('screen-settings').waitFor();
  await found.screen('settings');
  await signOut(page);
}

describe('screens that fit the desk', () => {
  for (const size of SCREEN_SIZES) {
    it(`${size.name} (${size.viewport.width}×${size.viewport.height} CSS px at ${size.deviceScaleFactor * 100} %)`, async () => {
      const { context, page } = await openDesk(browser, host.url, { viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor });
      const found = new Findings(page, size);
      try {
        await receptionAndLock(page, found);
        await nurseAndBoard(page, found, size);
        await supervisorScreens(page, found);
      } finally {
        await context.close();
      }
      expect(found.problems).toEqual([]);
    });
  }
});
