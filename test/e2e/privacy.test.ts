/**
 * The individual number (個人番号) never reaches a venue device (docs/domain.md).
 * The municipality's source records for the demo people carry individual
 * numbers. Through a whole day's scenario they come at the device every way
 * they could: a roster file with the column, a number hidden in another
 * column, a My Number read by the camera, scanned with the handheld at every
 * desk, typed by hand. Afterwards none of them is in any page, in the
 * decrypted database or any file of the device, in the logs, or in anything
 * that went over the wire.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venueDate } from '../../src/common/time';
import { writeCsv } from '../../src/roster/csv';
import { ROSTER_COLUMNS } from '../../src/roster/roster-csv';
import { DEMO_TICKETS as T, demoPeople, ticketLine } from '../fixtures/demo';
import { fakeMyNumber, rosterRows } from '../fixtures/roster';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { currentSeq, handheldScan, nextVerdict, signIn, typeLikeAPerson, checkInOnCard } from './support/desk';
import { coreDesk } from './support/core';
import { startTestHost, type TestHost } from './support/host';
import { ticketQr, writeY4m } from './support/video';
import { spellings, Wiretap } from './support/wiretap';

let host: TestHost;
let cameraBrowser: Browser;
let otherBrowser: Browser;
let videos: string;
const tap = new Wiretap();
const pages: Page[] = [];

/** The municipality's source records: the demo people, each with an individual number. */
const people = demoPeople(venueDate(new Date()));
const individualNumbers = people.map((_, i) => fakeMyNumber(i + 101));

function sourceCsvWithColumn(): Buffer {
  const rows: string[][] = [];
  people.forEach((person, i) => {
    for (const row of rosterRows([person])) rows.push([...row, individualNumbers[i] ?? '']);
  });
  return writeCsv([...ROSTER_COLUMNS, 'individual_number'], rows, { encoding: 'utf-8' });
}

function sourceCsvWithNumberInPhone(): Buffer {
  const number = individualNumbers[0] ?? '';
  const disguised = people.map((p, i) => (i === 0 ? { ...p, phone: `${number.slice(0, 4)}-${number.slice(4, 8)}-${number.slice(8)}` } : p));
  return writeCsv([...ROSTER_COLUMNS], rosterRows(disguised), { encoding: 'utf-8' });
}

function peopleCount(): number {
  return (host.db.prepare(`SELECT count(*) AS n FROM people`).get() as { n: number }).n;
}

async function page(browser: Browser, role: 'reception' | 'nurse' | 'supervisor'): Promise<Page> {
  const desk = await openDesk(browser, host.url, { onPage: (p) => tap.attach(p) });
  pages.push(desk.page);
  await signIn(desk.page, role);
  return desk.page;
}

beforeAll(async () => {
  videos = mkdtempSync(join(tmpdir(), 'venue-video-'));
  // Someone holds up a card whose QR code carries an individual number.
  writeY4m(join(videos, 'mynumber.y4m'), [{ picture: ticketQr(individualNumbers[2] ?? ''), frames: 1 }]);
  host = await startTestHost();
  cameraBrowser = await launchChromium({ video: join(videos, 'mynumber.y4m') });
  otherBrowser = await launchChromium();
});

afterAll(async () => {
  await cameraBrowser?.close();
  await otherBrowser?.close();
  await host?.dispose();
  rmSync(videos, { recursive: true, force: true });
});

describe('the individual number never reaches the device', () => {
  it('a roster file with an individual-number column, or a number hidden in another column, is refused whole', () => {
    expect(individualNumbers.every((n) => /^\d{12}$/.test(n))).toBe(true);
    const before = peopleCount();
    const desk = coreDesk(host, 'supervisor');
    const withColumn = desk.call('importRoster', { csvBase64: sourceCsvWithColumn().toString('base64') });
    expect(!withColumn.ok && withColumn.error.code).toBe('INDIVIDUAL_NUMBER_COLUMN');
    const hidden = desk.call('importRoster', { csvBase64: sourceCsvWithNumberInPhone().toString('base64') });
    expect(!hidden.ok && hidden.error.code).toBe('INDIVIDUAL_NUMBER_VALUE');
    expect(peopleCount()).toBe(before);
    for (const reply of [withColumn, hidden]) for (const n of individualNumbers) expect(JSON.stringify(reply)).not.toContain(n);
  });

  it('reception: read by the camera, scanned, scanned into a field, typed — refused on the page, never sent', async () => {
    const reception = await page(cameraBrowser, 'reception');
    const card = await nextVerdict(reception, 0, 20_000);
    expect(card.code).toBe('READ_ERROR');
    expect(await reception.getByTestId('verdict').getAttribute('data-error')).toBe('INDIVIDUAL_NUMBER');
    expect(await reception.getByTestId('verdict-headline').textContent()).toContain('個人番号');
    await saveScreen(reception, 'reception-individual-number');

    let seq = await currentSeq(reception);
    await handheldScan(reception, individualNumbers[3] ?? '');
    expect((await nextVerdict(reception, seq)).code).toBe('READ_ERROR');

    await reception.getByTestId('manual-input').click();
    seq = await currentSeq(reception);
    await handheldScan(reception, individualNumbers[4] ?? '');
    expect((await nextVerdict(reception, seq)).code).toBe('READ_ERROR');
    expect(await reception.getByTestId('manual-input').inputValue()).toBe('');

    const typed = individualNumbers[5] ?? '';
    await typeLikeAPerson(reception, typed);
    await reception.keyboard.press('Enter');
    await expect.poll(() => reception.getByTestId('manual-input').inputValue()).toBe('');
    expect(await reception.getByTestId('manual-status').textContent()).toContain('個人番号');

    // The day goes on: a real ticket checks in.
    seq = await currentSeq(reception);
    await handheldScan(reception, ticketLine(T.ok));
    expect((await nextVerdict(reception, seq)).code).toBe('OK');
    await checkInOnCard(reception);
  });

  it('nurse and supervisor: a scanned individual number is refused on the page as well', async () => {
    const nurse = await page(otherBrowser, 'nurse');
    await handheldScan(nurse, individualNumbers[6] ?? '');
    await nurse.getByTestId('nurse-notice').waitFor();
    expect(await nurse.getByTestId('nurse-notice').getAttribute('data-tone')).toBe('error');
    expect(await nurse.getByTestId('nurse-notice').textContent()).toContain('個人番号');
    await nurse.getByTestId('queue-item').first().click();
    const lot = host.db.prepare(`SELECT id FROM lots WHERE lot_number = 'FA1234'`).get() as { id: string };
    await nurse.getByTestId('lot-select').selectOption(lot.id);
    await nurse.getByTestId('site-left_arm').check();
    await nurse.getByTestId('doctor').fill('予診 医師');
    await nurse.getByTestId('record-dose-button').click();
    await nurse.getByTestId('dose-saved').waitFor();

    const supervisor = await page(otherBrowser, 'supervisor');
    await supervisor.getByTestId('screen-supervisor').waitFor();
    await handheldScan(supervisor, individualNumbers[7] ?? '');
    await supervisor.getByTestId('add-lot-message').waitFor();
    expect(await supervisor.getByTestId('add-lot-message').textContent()).toContain('個人番号');
    expect(await supervisor.getByTestId('add-lot-number').inputValue()).toBe('');
  });

  it('leaves no individual number in any page, the database, the device’s files, the logs or the wire', async () => {
    const pageTexts = await Promise.all(
      pages.map((p) => p.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll('input, textarea')].map((i) => (i as HTMLInputElement).value).join(' '))),
    );
    const tables = (host.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    const database = tables
      .map((table) =>
        (host.db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[])
          .map((row) => Object.values(row).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v))).join('|'))
          .join('\n'),
      )
      .join('\n');
    // The database really was read: the scenario's records are in it.
    expect(database).toContain('山田 太郎');
    expect(database).toContain(T.ok);
    // Every file of the device: the database, its WAL, the key vault, the daily backups.
    const files = (readdirSync(host.dataDir, { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'))
      .join('\n');
    // At rest the file is encrypted: not even the names are there in clear.
    expect(files).not.toContain(Buffer.from('山田 太郎').toString('latin1'));
    const logs = host.logs.join('\n');
    const wire = tap.text();
    expect(tap.frames.length).toBeGreaterThan(20);
    expect(wire).toContain('scanTicket');

    const places = { pages: pageTexts.join('\n'), database, files, logs, wire };
    for (const [place, text] of Object.entries(places)) {
      for (const number of individualNumbers) {
        for (const spelling of spellings(number)) expect(text.includes(spelling), `${place} holds an individual number`).toBe(false);
      }
    }
  });
});
