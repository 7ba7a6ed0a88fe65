/**
 * Two venue devices and the central service, all on loopback, in real
 * Chromium. The central service (server/) holds the municipality's roster,
 * products and staff; each device enrolls on its first-run screen with the
 * central address and a one-time code, and downloads the roster (progress
 * bar). Reception on device R1 checks a person in; the nurse's queue on
 * device N1 shows them through sync; the nurse records the dose with the lot
 * read from the vial; the record reaches the central service (its VRS export
 * lists it). Everything the devices and the central service said to each
 * other passes a recording proxy, and no individual number is in it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, systemClock, venueDate } from '../../src/common/time';
import { writeCsv } from '../../src/roster/csv';
import { ROSTER_COLUMNS } from '../../src/roster/roster-csv';
import { runAdminCommand } from '../../server/cli/commands';
import { startCentralServer, type RunningServer } from '../../server/server';
import { setUpStaffTotp } from '../../server/staff';
import { DEMO_MUNICIPALITY, DEMO_RECOVERY_CODES, DEMO_STAFF, DEMO_TICKETS as T, DEMO_TOTP_SECRET, demoPeople, demoProductsCsv, demoRosterCsv, ticketLine } from '../fixtures/demo';
import { fakeMyNumber, rosterRows } from '../fixtures/roster';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { checkInOnCard, nextSupervisorCode, nextVerdict, signIn } from './support/desk';
import { startTestHost, type TestHost } from './support/host';
import { startRecordingProxy, type RecordingProxy } from './support/proxy';
import { gs1DataMatrix, ticketQr, writeY4m } from './support/video';
import { spellings, Wiretap } from './support/wiretap';

const today = venueDate(new Date());
const people = demoPeople(today);
const individualNumbers = people.map((_, i) => fakeMyNumber(i + 501));

let work: string;
let central: RunningServer;
let proxy: RecordingProxy;
let receptionHost: TestHost;
let nurseHost: TestHost;
let receptionBrowser: Browser;
let nurseBrowser: Browser;
let reception: Page;
let nurse: Page;
const codes: Record<string, string> = {};
/** The reception device's audit head before it enrolled: genuine, and older than any head the central service holds. */
let headBeforeEnrollment = '';
const tap = new Wiretap();

async function admin(argv: string[], stdin = ''): Promise<string> {
  const result = await runAdminCommand({ db: central.db, clock: systemClock, fingerprint: null }, argv, stdin);
  if (result.code !== 0) throw new Error(`admin ${argv.join(' ')}: ${result.stderr.toString('utf8')}`);
  return result.stdout.toString('utf8');
}

async function adminFails(argv: string[]): Promise<string> {
  const result = await runAdminCommand({ db: central.db, clock: systemClock, fingerprint: null }, argv, '');
  expect(result.code).not.toBe(0);
  return result.stderr.toString('utf8');
}

function file(name: string, content: Buffer): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

function vialElementString(): string {
  return `(01)04987123456784(17)${addDays(today, 120).replace(/-/g, '').slice(2)}(10)FA1234`;
}

async function enroll(page: Page, code: string, screen: string): Promise<void> {
  await page.getByTestId('screen-setup').waitFor();
  await page.getByTestId('setup-server').fill(proxy.url);
  await page.getByTestId('setup-code').fill(code);
  await saveScreen(page, screen);
  await page.getByTestId('setup-enroll').click();
  await page.getByTestId('screen-signin').waitFor({ timeout: 60_000 });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'venue-sync-'));
  central = await startCentralServer({ dataDir: join(work, 'central'), port: 0, log: () => undefined });
  await admin(['municipality', 'add', DEMO_MUNICIPALITY, '千代田区']);
  await admin(['venue', 'add', DEMO_MUNICIPALITY, 'V001', '区民会館ホール']);
  await admin(['venue', 'add', DEMO_MUNICIPALITY, 'V002', 'スポーツセンター']);
  for (const [id, name] of [['R1', '受付1'], ['R2', '受付2'], ['N1', '接種ブース1']]) await admin(['desk', 'add', 'V001', id as string, name as string]);
  await admin(['products', 'load', DEMO_MUNICIPALITY, file('products.csv', demoProductsCsv())]);
  await admin(['roster', 'import', DEMO_MUNICIPALITY, file('roster.csv', demoRosterCsv(today))]);
  for (const staff of Object.values(DEMO_STAFF)) await admin(['staff', 'add', DEMO_MUNICIPALITY, staff.login, staff.displayName, staff.role, '--password-stdin'], staff.password);
  // The supervisor's second factor, set centrally as `admin staff totp` does, with the demo's published secret and recovery codes.
  await setUpStaffTotp(central.db, { municipality: DEMO_MUNICIPALITY, login: DEMO_STAFF.supervisor.login }, { secret: DEMO_TOTP_SECRET, recoveryCodes: DEMO_RECOVERY_CODES });
  for (const desk of ['R1', 'N1']) codes[desk] = (/^\s+(\S+)\s*$/m.exec(await admin(['enroll-code', 'V001', desk])) ?? [])[1] ?? '';
  proxy = await startRecordingProxy(central.url);
  receptionHost = await startTestHost({ demo: false, dataDir: join(work, 'device-r1') });
  nurseHost = await startTestHost({ demo: false, dataDir: join(work, 'device-n1') });
  writeY4m(join(work, 'qr.y4m'), [{ picture: ticketQr(ticketLine(T.ok)), frames: 1 }]);
  writeY4m(join(work, 'vial.y4m'), [{ picture: gs1DataMatrix(vialElementString()), frames: 1 }]);
  receptionBrowser = await launchChromium({ video: join(work, 'qr.y4m') });
  nurseBrowser = await launchChromium({ video: join(work, 'vial.y4m') });
  ({ page: reception } = await openDesk(receptionBrowser, receptionHost.url, { onPage: (p) => tap.attach(p) }));
  ({ page: nurse } = await openDesk(nurseBrowser, nurseHost.url, { onPage: (p) => tap.attach(p) }));
});

afterAll(async () => {
  await receptionBrowser?.close();
  await nurseBrowser?.close();
  await receptionHost?.close();
  await nurseHost?.close();
  await proxy?.close();
  await central?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('two devices and the central service', () => {
  it('the central service refuses the municipality’s source file while it carries individual numbers', async () => {
    const rows: string[][] = [];
    people.forEach((person, i) => {
      for (const row of rosterRows([person])) rows.push([...row, individualNumbers[i] ?? '']);
    });
    const source = file('source.csv', writeCsv([...ROSTER_COLUMNS, 'individual_number'], rows, { encoding: 'utf-8' }));
    const error = await adminFails(['roster', 'import', DEMO_MUNICIPALITY, source]);
    expect(error).toContain('INDIVIDUAL_NUMBER');
    for (const n of individualNumbers) expect(error).not.toContain(n);
  });

  it('enrolls each new device with an address and a one-time code, and downloads the roster', async () => {
    expect(codes.R1?.length).toBeGreaterThanOrEqual(8);
    headBeforeEnrollment = (receptionHost.db.prepare(`SELECT value FROM settings WHERE key = 'audit_head'`).get() as { value: string }).value;
    await enroll(reception, codes.R1 ?? '', 'setup-enroll');
    await enroll(nurse, codes.N1 ?? '', 'setup-enroll-nurse');
    expect(await reception.getByTestId('signin-device').textContent()).toContain('区民会館ホール');
    expect(await nurse.getByTestId('signin-device').textContent()).toContain('接種ブース1');
    // Staff came from the central service: they sign in on a device that never saw them.
    await signIn(reception, 'reception');
    await signIn(nurse, 'nurse');
    const bar = reception.getByTestId('sync-status');
    await expect.poll(() => bar.getAttribute('data-state'), { timeout: 15_000 }).toBe('online');
  });

  it('reception checks in on one device; the nurse’s queue on the other shows it through sync', async () => {
    expect((await nextVerdict(reception, 0, 20_000)).code).toBe('OK');
    expect(await reception.getByTestId('person-kanji').textContent()).toBe('山田 太郎');
    await checkInOnCard(reception);
    const started = Date.now();
    await nurse.getByTestId('queue-item').first().waitFor({ timeout: 20_000 });
    console.log(`[sync] check-in on R1 reached the nurse's queue on N1 in ${Date.now() - started} ms`);
    expect(await nurse.getByTestId('queue-item').first().textContent()).toContain('山田 太郎');
    await expect.poll(() => reception.getByTestId('sync-status').getAttribute('data-confirmed'), { timeout: 15_000 }).not.toBe('0');
    await saveScreen(reception, 'reception-synced');
  });

  it('the nurse records the dose with the lot from the vial, and the record reaches the central service', async () => {
    // A supervisor registers the lot on the reception device; it reaches the booth through the central service.
    const supervisor = receptionHost.connect();
    const code = nextSupervisorCode(new URL(receptionHost.url).host);
    expect(supervisor.call('signIn', { login: DEMO_STAFF.supervisor.login, password: DEMO_STAFF.supervisor.password, code }).ok).toBe(true);
    const products = supervisor.call('listProducts', {});
    expect(products.ok).toBe(true);
    const added = supervisor.call('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: 'FA1234', expiry: addDays(today, 120) });
    expect(added.ok).toBe(true);
    await expect
      .poll(() => (nurseHost.db.prepare(`SELECT count(*) AS n FROM lots WHERE lot_number = 'FA1234'`).get() as { n: number }).n, { timeout: 20_000 })
      .toBe(1);
    // The vial has been in front of the booth's camera all along: a restart reads it now that the lot is known.
    await nurse.getByTestId('camera-restart').click();
    const notice = nurse.getByTestId('nurse-notice');
    await expect.poll(() => notice.getAttribute('data-tone'), { timeout: 15_000 }).toBe('ok');
    expect(await notice.textContent()).toContain('ロットを FA1234 に切り替えました');
    await nurse.getByTestId('queue-item').first().click();
    await nurse.getByTestId('site-left_arm').check();
    await nurse.getByTestId('doctor').fill('予診 医師');
    await nurse.getByTestId('record-dose-button').click();
    await nurse.getByTestId('dose-saved').waitFor();
    expect(await nurse.getByTestId('saved-lot').textContent()).toBe('FA1234');

    // At the central service: the day's VRS export lists the dose with its lot.
    const out = join(work, 'vrs.csv');
    await expect
      .poll(
        async () => {
          await admin(['export', 'doses', DEMO_MUNICIPALITY, today, '--encoding', 'utf-8', '--out', out]);
          return readFileSync(out, 'utf8');
        },
        { timeout: 20_000, interval: 500 },
      )
      .toContain(T.ok);
    const vrs = readFileSync(out, 'utf8');
    expect(vrs).toContain('FA1234');
    await expect.poll(() => nurse.getByTestId('sync-status').getAttribute('data-pending'), { timeout: 15_000 }).toBe('0');
    expect(Number(await nurse.getByTestId('sync-status').getAttribute('data-confirmed'))).toBeGreaterThan(0);
    await saveScreen(nurse, 'nurse-synced');
  });

  it('nothing that crossed the sync wire, and nothing on either device, holds an individual number', async () => {
    expect(proxy.traffic.some((t) => t.includes('/v1/records'))).toBe(true);
    expect(proxy.traffic.some((t) => t.includes('山田 太郎'))).toBe(true);
    const devices = [receptionHost, nurseHost].map((host) => {
      const tables = (host.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
      return tables.map((table) => JSON.stringify(host.db.prepare(`SELECT * FROM "${table}"`).all())).join('\n') + host.logs.join('\n');
    });
    const places = { sync: proxy.traffic.join('\n'), pages: tap.text(), devices: devices.join('\n') };
    for (const [place, text] of Object.entries(places)) {
      for (const number of individualNumbers) for (const spelling of spellings(number)) expect(text.includes(spelling), `${place} holds an individual number`).toBe(false);
    }
  });

  it('entries cut off a device’s audit log are found against the central copy, and its audit screen says so in both languages', async () => {
    // Someone with the database removes everything logged since enrolling and puts back the head saved then:
    // every entry left and the head are genuine, so only the central copy can tell.
    const db = receptionHost.db;
    const { seq } = JSON.parse(headBeforeEnrollment) as { seq: number };
    db.exec('DROP TRIGGER IF EXISTS audit_log_no_delete');
    db.prepare(`DELETE FROM audit_log WHERE seq > ?`).run(seq);
    db.prepare(`UPDATE settings SET value = ? WHERE key = 'audit_head'`).run(headBeforeEnrollment);
    const found = () => (db.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'auditCentralMismatch'`).get() as { n: number }).n;
    // At the next feed page (a long-poll answers within 20 s).
    await expect.poll(found, { timeout: 45_000, interval: 250 }).toBeGreaterThan(0);

    await reception.keyboard.press('F9');
    await reception.getByTestId('lock-screen').waitFor();
    await reception.getByTestId('lock-signout').click();
    await signIn(reception, 'supervisor');
    await reception.getByTestId('nav-supervisor').click();
    await reception.getByTestId('sup-tab-audit').click();
    const central = reception.getByTestId('audit-central');
    await central.waitFor();
    expect(await central.getAttribute('data-state')).toBe('broken');
    expect(await central.textContent()).toContain('本部の控えと一致しません');
    expect(await reception.getByTestId('audit-central-mismatch').count()).toBeGreaterThan(0);
    await saveScreen(reception, 'audit-central-mismatch');
    await reception.keyboard.press('F8');
    await expect.poll(() => central.textContent()).toContain('MISMATCH with the central service’s copy');
    await reception.keyboard.press('F8');

    // Centrally too: the device listing flags it.
    await expect.poll(() => admin(['device', 'list', '--venue', 'V001']), { timeout: 20_000, interval: 500 }).toMatch(/MISMATCH/);
  });
});
