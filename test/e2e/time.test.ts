/**
 * Time you can trust, in real Chromium, with three venue devices and the
 * central service on loopback:
 *
 * - a desk whose clock is three days ahead records a dose "given" three days
 *   from now: the central service refuses it (with the reason), the other
 *   desks do not refuse the person as already vaccinated, and the desk says
 *   on screen that its clock is off and that records were refused;
 * - each desk compares its clock with the central service's at every sync
 *   and warns beyond two minutes;
 * - "latest wins" between desks (vials opened) follows the central service's
 *   order: a correction made at a desk whose clock is slow wins everywhere;
 * - the idle lock (page) and the lock-out (core) run on monotonic clocks: a
 *   clock changed neither unlocks nor extends them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, systemClock, venueDate, type Clock } from '../../src/common/time';
import { runAdminCommand } from '../../server/cli/commands';
import { startCentralServer, type RunningServer } from '../../server/server';
import { setUpStaffTotp } from '../../server/staff';
import { DEMO_MUNICIPALITY as M, DEMO_RECOVERY_CODES, DEMO_STAFF, DEMO_TICKETS as T, DEMO_TOTP_SECRET, demoProductsCsv, demoRosterCsv, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { currentSeq, handheldScan, nextVerdict, signIn } from './support/desk';
import { coreDesk, must } from './support/core';
import { startTestHost, type TestHost } from './support/host';
import { until } from '../sync/support/devices';

const DAY_MS = 24 * 60 * 60_000;
const today = venueDate(new Date());

let work: string;
let central: RunningServer;
let browser: Browser;
/** R1: the right time, but someone will set it forward for a while (the lock-out). */
let right: TestHost;
let rightShift = 0;
/** N1: three minutes slow. */
let slow: TestHost;
/** R2: three days ahead. */
let fast: TestHost;

async function admin(argv: string[], stdin = ''): Promise<string> {
  const result = await runAdminCommand({ db: central.db, clock: systemClock, fingerprint: null }, argv, stdin);
  if (result.code !== 0) throw new Error(`admin ${argv.join(' ')}: ${result.stderr.toString('utf8')}`);
  return result.stdout.toString('utf8');
}

function clockOff(offset: () => number): Clock {
  return { now: () => new Date(Date.now() + offset()), monotonicMs: () => performance.now() };
}

/** The time on a desk's own clock (the supervisor's authenticator code is of that time). */
function coreNow(host: TestHost): number {
  if (host === slow) return Date.now() - 3 * 60_000;
  if (host === fast) return Date.now() + 3 * DAY_MS;
  return Date.now() + rightShift;
}

/** Enrolls a device through its core (the first-run screen is tested in sync.test.ts) and waits for the roster. */
async function enroll(host: TestHost, desk: string): Promise<void> {
  const code = (/^\s+(\S+)\s*$/m.exec(await admin(['enroll-code', 'V001', desk])) ?? [])[1] ?? '';
  must(host.connect().call('requestEnrollment', { serverUrl: central.url, code }));
  await until(
    () => {
      const status = host.connect().call('enrollmentStatus', {});
      const value = status.ok ? (status.value as { state: string; download: { finishedAt: string | null } }) : null;
      return value?.state === 'enrolled' && value.download.finishedAt !== null;
    },
    60_000,
    `desk ${desk} enrolled with its roster`,
  );
}

async function supervisorDay(host: TestHost): Promise<Page> {
  const { page } = await openDesk(browser, host.url);
  await signIn(page, 'supervisor', () => coreNow(host));
  await page.getByTestId('nav-supervisor').click();
  await page.getByTestId('sup-tab-day').click();
  await page.getByTestId('day-report').getByTestId('day-counts').waitFor();
  return page;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'venue-time-'));
  central = await startCentralServer({ dataDir: join(work, 'central'), port: 0, log: () => undefined });
  await admin(['municipality', 'add', M, '千代田区']);
  await admin(['venue', 'add', M, 'V001', '区民会館ホール']);
  await admin(['venue', 'add', M, 'V002', 'スポーツセンター']);
  for (const [id, name] of [['R1', '受付1'], ['R2', '受付2'], ['N1', '接種ブース1']] as const) await admin(['desk', 'add', 'V001', id, name]);
  writeFileSync(join(work, 'products.csv'), demoProductsCsv());
  writeFileSync(join(work, 'roster.csv'), demoRosterCsv(today));
  await admin(['products', 'load', M, join(work, 'products.csv')]);
  await admin(['roster', 'import', M, join(work, 'roster.csv')]);
  for (const staff of Object.values(DEMO_STAFF)) await admin(['staff', 'add', M, staff.login, staff.displayName, staff.role, '--password-stdin'], staff.password);
  // The supervisor's second factor, set centrally as `admin staff totp` does, with the demo's published secret and recovery codes.
  await setUpStaffTotp(central.db, { municipality: M, login: DEMO_STAFF.supervisor.login }, { secret: DEMO_TOTP_SECRET, recoveryCodes: DEMO_RECOVERY_CODES });
  right = await startTestHost({ demo: false, dataDir: join(work, 'right'), clock: clockOff(() => rightShift) });
  slow = await startTestHost({ demo: false, dataDir: join(work, 'slow'), clock: clockOff(() => -3 * 60_000) });
  fast = await startTestHost({ demo: false, dataDir: join(work, 'fast'), clock: clockOff(() => 3 * DAY_MS) });
  await enroll(right, 'R1');
  await enroll(slow, 'N1');
  await enroll(fast, 'R2');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const host of [right, slow, fast]) await host?.close();
  await central?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('time you can trust', () => {
  it('a dose "given" three days from now is refused centrally; other desks do not refuse the person; the desk says why', async () => {
    // At the fast desk it is three days later: 田中's booking (three days from now) is "today" there.
    const supervisor = coreDesk(fast, 'supervisor', coreNow(fast));
    const lot = must<{ id: string }>(supervisor.call('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'FT0001', expiry: addDays(today, 200) }));
    expect(must<{ checkedIn: boolean }>(coreDesk(fast, 'reception').call('checkIn', { municipality: M, number: T.bookedOtherDay })).checkedIn).toBe(true);
    const dose = must<{ id: string; givenAt: string }>(
      coreDesk(fast, 'nurse').call('recordDose', { municipality: M, ticketNumber: T.bookedOtherDay, doseNumber: 1, status: 'performed', lotId: lot.id, site: 'left_arm', doctor: '予診 医師' }),
    );
    expect(dose.givenAt.slice(0, 10)).toBe(addDays(today, 3));

    const { page } = await openDesk(browser, fast.url);
    await signIn(page, 'reception');
    const bar = page.getByTestId('sync-status');
    await expect.poll(() => page.getByTestId('sync-rejected').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('sync-rejected').textContent()).toMatch(/中央システムが受け付けなかった記録 [1-9]/);
    const warning = page.getByTestId('clock-warning');
    await warning.waitFor();
    expect(Number(await warning.getAttribute('data-offset-ms'))).toBeGreaterThan(3 * DAY_MS - 60_000);
    expect(await warning.textContent()).toContain('進んでいます');
    expect(await bar.getAttribute('data-state')).toBe('online');
    await saveScreen(page, 'sync-clock-ahead');
    const [stored] = await central.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dose_records WHERE ticket_number = $1`, [T.bookedOtherDay]);
    expect(stored?.n).toBe(0);
    const outbox = fast.db.prepare(`SELECT state, error_code AS code FROM sync_outbox WHERE record_id = ?`).get(dose.id);
    expect(outbox).toEqual({ state: 'rejected', code: 'TIME_AFTER_RECEIPT' });

    // At a desk with the right time the person is not "already vaccinated": their booking is still three days away.
    const { page: reception } = await openDesk(browser, right.url);
    await signIn(reception, 'reception');
    const seq = await currentSeq(reception);
    await handheldScan(reception, ticketLine(T.bookedOtherDay));
    expect((await nextVerdict(reception, seq)).code).toBe('NOT_BOOKED_TODAY');
    expect(await reception.getByTestId('clock-warning').count()).toBe(0);
  });

  it('every desk compares its clock with the central service’s and warns beyond two minutes', async () => {
    const { page } = await openDesk(browser, slow.url);
    await signIn(page, 'nurse');
    const warning = page.getByTestId('clock-warning');
    await warning.waitFor({ timeout: 20_000 });
    const offset = Number(await warning.getAttribute('data-offset-ms'));
    expect(offset).toBeLessThan(-2 * 60_000);
    expect(offset).toBeGreaterThan(-4 * 60_000);
    expect(await warning.textContent()).toContain('約3分遅れています');
  });

  it('the latest vials count is decided by the central service’s order, not by the desks’ clocks', async () => {
    const lot = must<{ id: string }>(coreDesk(right, 'supervisor', coreNow(right)).call('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'VC0001', expiry: addDays(today, 200) }));
    await expect.poll(() => slow.db.prepare(`SELECT count(*) AS n FROM lots WHERE id = ?`).get(lot.id), { timeout: 20_000 }).toEqual({ n: 1 });
    const atRight = await supervisorDay(right);
    const atSlow = await supervisorDay(slow);
    const vialsShown = async (page: Page) => (await page.getByTestId('day-report').locator('[data-testid="lot-line"][data-lot="VC0001"]').getByTestId('lot-vials').textContent())?.trim();
    const enter = async (page: Page, vials: number) => {
      await page.getByTestId('vials-lot').selectOption(lot.id);
      await page.getByTestId('vials-count').fill(String(vials));
      await page.getByTestId('vials-record').click();
    };
    await enter(atRight, 5);
    await expect.poll(() => vialsShown(atSlow), { timeout: 20_000 }).toBe('5');
    // The slow desk corrects the count after seeing it: its record says three minutes earlier, and it still wins everywhere.
    await enter(atSlow, 7);
    await expect.poll(() => vialsShown(atSlow)).toBe('7');
    await expect.poll(async () => {
      await atRight.getByTestId('day-refresh').click();
      return vialsShown(atRight);
    }, { timeout: 20_000 }).toBe('7');
    const times = (slow.db.prepare(`SELECT body FROM sync_outbox WHERE kind = 'lot_vials'`).all() as { body: string }[]).map((r) => (JSON.parse(r.body) as { at: string }).at);
    const rightTimes = (right.db.prepare(`SELECT body FROM sync_outbox WHERE kind = 'lot_vials'`).all() as { body: string }[]).map((r) => (JSON.parse(r.body) as { at: string }).at);
    expect(new Date(times[0] ?? '').getTime()).toBeLessThan(new Date(rightTimes[0] ?? '').getTime());
    await saveScreen(atRight, 'vials-latest-by-central-order');
  });

  it('the idle lock on the page runs on a monotonic clock: a clock set back does not keep an idle desk open, one set forward does not lock it', async () => {
    const { page } = await openDesk(browser, right.url, { beforeLoad: (context) => context.clock.install() });
    await signIn(page, 'reception');
    const seq = await currentSeq(page);
    await handheldScan(page, ticketLine(T.ok));
    await nextVerdict(page, seq);
    // Someone sets the computer's clock an hour forward: nobody has been idle, nothing locks.
    await page.clock.setSystemTime(Date.now() + 60 * 60_000);
    await page.clock.runFor(3_000);
    expect(await page.getByTestId('lock-screen').count()).toBe(0);
    // …and two hours back: five idle minutes still lock the screen.
    await page.clock.setSystemTime(Date.now() - 60 * 60_000);
    await page.clock.fastForward('05:15');
    await page.getByTestId('lock-screen').waitFor();
  });

  it('a lock-out runs on a monotonic clock in the core: setting the desk’s clock forward does not end it', async () => {
    const { page } = await openDesk(browser, right.url);
    await page.getByTestId('screen-signin').waitFor();
    const signIns = () => right.logs.filter((line) => line.includes('call signIn')).length;
    const attempt = async (password: string) => {
      const before = signIns();
      await page.getByTestId('signin-login').fill(DEMO_STAFF.nurse.login);
      await page.getByTestId('signin-password').fill(password);
      await page.getByTestId('signin-submit').click();
      // This attempt's answer, not the one before it still on screen.
      await expect.poll(signIns).toBe(before + 1);
      // The screen has taken the answer: it empties the password field then.
      await expect.poll(() => page.getByTestId('signin-password').inputValue()).toBe('');
      return (await page.getByTestId('signin-error').textContent()) ?? '';
    };
    // Sign-in refuses a locked account in the same words as a wrong password (it tells an
    // attacker nothing), so the lock-out shows as the right password being refused.
    const refused = 'ログインIDかパスワードが違います';
    for (let i = 0; i < 5; i++) await attempt(`wrong-password-${i}`);
    expect(await attempt(DEMO_STAFF.nurse.password)).toContain(refused);
    // Twenty minutes forward on the desk's clock (the lock-out is fifteen): still locked out.
    rightShift = 20 * 60_000;
    try {
      expect(await attempt(DEMO_STAFF.nurse.password)).toContain(refused);
    } finally {
      rightShift = 0;
    }
  });
});
