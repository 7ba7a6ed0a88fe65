/**
 * Supervisor → Export in real Chromium: the day's doses as a VRS CSV, saved
 * through the browser's download (a Blob the page made, under the strict
 * content security policy), in UTF-8 and in Shift_JIS, then read back with
 * the same CSV reader the roster import uses: the header, one row per live
 * dose (the voided one left out), and no field that could be an individual
 * number.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VRS_HEADER } from '../../src/day/vrs';
import { decodeCsvBytes, readCsvRecords } from '../../src/roster/csv';
import { DEMO_MUNICIPALITY as M, DEMO_TICKETS as T } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { signIn } from './support/desk';
import { coreDesk, must } from './support/core';
import { startTestHost, type TestHost } from './support/host';

let host: TestHost;
let browser: Browser;
let page: Page;

/** Three doses today, one of them voided: the export holds the other two. */
function morning(): void {
  const reception = coreDesk(host, 'reception');
  const nurse = coreDesk(host, 'nurse');
  const supervisor = coreDesk(host, 'supervisor');
  const lot = (host.db.prepare(`SELECT id FROM lots WHERE lot_number = 'FA1234'`).get() as { id: string }).id;
  must(nurse.call('setDeskLot', { lotId: lot }));
  for (const number of [T.ok, T.okSecond, T.okNw7]) must(reception.call('checkIn', { municipality: M, number }));
  must(nurse.call('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', lotId: lot, doctor: '医師 一郎' }));
  must(nurse.call('recordDose', { municipality: M, ticketNumber: T.okSecond, doseNumber: 2, status: 'performed', site: 'left_arm', lotId: lot, doctor: '医師 一郎' }));
  const wrong = must(nurse.call('recordDose', { municipality: M, ticketNumber: T.okNw7, doseNumber: 1, status: 'performed', site: 'left_arm', lotId: lot, doctor: '医師 一郎' }));
  must(supervisor.call('voidRecord', { recordId: (wrong as { id: string }).id, reason: '別の人の券で記録した' }));
}

async function exportAs(encoding: 'utf-8' | 'shift_jis'): Promise<{ fileName: string; bytes: Buffer }> {
  await page.getByTestId(`export-encoding-${encoding}`).check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  const path = await download.path();
  return { fileName: download.suggestedFilename(), bytes: readFileSync(path) };
}

function readBack(bytes: Buffer, encoding: 'utf-8' | 'shift_jis'): string[][] {
  const decoded = decodeCsvBytes(bytes);
  expect(decoded.encoding).toBe(encoding);
  return [...readCsvRecords(decoded.text)].map((r) => r.fields);
}

beforeAll(async () => {
  host = await startTestHost();
  morning();
  browser = await launchChromium();
  ({ page } = await openDesk(browser, host.url));
  await signIn(page, 'supervisor');
  await page.getByTestId('nav-supervisor').click();
  await page.getByTestId('sup-tab-export').click();
  await page.getByTestId('export-screen').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
});

describe('the VRS export', () => {
  let utf8Rows: string[][] = [];

  it('saves the day’s doses as UTF-8 CSV; read back, it has the VRS header, the live doses and no individual number', async () => {
    const file = await exportAs('utf-8');
    expect(file.fileName).toMatch(/^vrs-V001-\d{8}\.csv$/);
    // Excel opens UTF-8 CSV cleanly only with the byte order mark.
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    utf8Rows = readBack(file.bytes, 'utf-8');
    expect(utf8Rows[0]).toEqual([...VRS_HEADER]);
    expect(utf8Rows).toHaveLength(3);
    expect(utf8Rows.slice(1).map((r) => r[2]).sort()).toEqual([T.ok, T.okSecond].sort());
    for (const row of utf8Rows.slice(1)) {
      expect(row).toHaveLength(VRS_HEADER.length);
      expect(row[3]).toBe(M);
      expect(row[4]).toBe('区民会館ホール');
      expect(row[6]).toBe('ファイザー');
      expect(row[7]).toBe('FA1234');
    }
    for (const field of utf8Rows.flat()) expect(field).not.toMatch(/^\d{12}$/);
    const result = page.getByTestId('export-result');
    expect(await result.getAttribute('data-rows')).toBe('2');
    expect(await result.textContent()).toContain(file.fileName);
    await saveScreen(page, 'export');
  });

  it('saves the same rows as Shift_JIS for older spreadsheets', async () => {
    const file = await exportAs('shift_jis');
    expect(file.fileName).toMatch(/-sjis\.csv$/);
    // No byte order mark, and the Japanese is not UTF-8.
    expect(file.bytes[0]).not.toBe(0xef);
    expect(file.bytes.includes(Buffer.from('区民会館ホール', 'utf8'))).toBe(false);
    const rows = readBack(file.bytes, 'shift_jis');
    expect(rows).toEqual(utf8Rows);
  });
});
