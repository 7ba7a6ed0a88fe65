/**
 * Backups and recovery in real Chromium. A supervisor backs up, sees what a
 * restore would change (what the backup holds, and what was recorded since
 * and will be carried over), restores it, and finds both the backup's
 * records and the carried-over ones in place. When the database file is
 * damaged, the host starts in recovery mode and the page offers the kept
 * backups, restored with a supervisor's sign-in as kept in the backup; what
 * the page said (records since the backup that were never sent cannot come
 * back) is what happens. Then work goes on.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/api/runtime';
import { verifyAuditLog } from '../../src/audit/log';
import { DEMO_MUNICIPALITY as M, DEMO_RECOVERY_CODES, DEMO_STAFF, DEMO_TICKETS as T, ticketLine } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { currentSeq, handheldScan, nextVerdict, signIn } from './support/desk';
import { coreDesk, must } from './support/core';
import { startTestHost, type TestHost } from './support/host';

let dataDir: string;
let browser: Browser;
const hosts: TestHost[] = [];

function countOf(host: TestHost, sql: string, ...params: string[]): number {
  return (host.db.prepare(sql).get(...params) as { n: number }).n;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'venue-recovery-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const host of hosts) await host.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('backups and recovery', () => {
  it('a supervisor backs up, is told what restoring would change, restores, and finds every record', async () => {
    const host = await startTestHost({ dataDir });
    hosts.push(host);
    // Before the backup: a dose. After it: one more check-in, which a restore must carry over.
    const front = coreDesk(host, 'reception');
    const nurse = coreDesk(host, 'nurse');
    const lot = (host.db.prepare(`SELECT id FROM lots WHERE lot_number = 'FA1234'`).get() as { id: string }).id;
    must(front.call('checkIn', { municipality: M, number: T.ok }));
    must(nurse.call('setDeskLot', { lotId: lot }));
    const dose = must(nurse.call('recordDose', { municipality: M, ticketNumber: T.ok, doseNumber: 1, status: 'performed', site: 'left_arm', doctor: '予診 医師', lotId: lot }));

    const { page } = await openDesk(browser, host.url);
    await signIn(page, 'supervisor');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('backup-row').first().waitFor();
    const before = await page.getByTestId('backup-row').count();
    await page.getByTestId('backup-now').click();
    await expect.poll(() => page.getByTestId('backup-message').textContent()).toContain('バックアップを作りました');
    await expect.poll(() => page.getByTestId('backup-row').count()).toBe(before + 1);
    must(front.call('checkIn', { municipality: M, number: T.okNw7 }));

    await page.getByTestId('backup-plan').first().click();
    await page.getByTestId('restore-plan').waitFor();
    // What is said before anything changes: the backup holds the dose; the later check-in is carried over.
    const row = (table: string) => page.locator(`[data-testid="restore-count"][data-table="${table}"]`);
    expect(await row('dose_records').getAttribute('data-in-backup')).toBe('1');
    expect(await row('checkins').getAttribute('data-in-backup')).toBe('1');
    expect(await row('checkins').getAttribute('data-carried')).toBe('1');
    expect(await row('dose_records').getAttribute('data-carried')).toBe('0');
    expect(await page.getByTestId('restore-summary').textContent()).toContain('その後に記録された 1 件は引き継ぎます');
    await page.getByTestId('restore-password').fill('not-my-password');
    await page.getByTestId('restore-submit').click();
    await expect.poll(() => page.getByTestId('backup-message').textContent()).toContain('パスワードが違います');
    await saveScreen(page, 'settings-backups');

    await page.getByTestId('restore-password').fill(DEMO_STAFF.supervisor.password);
    await page.getByTestId('restore-submit').click();
    // The restored database: the backup's dose, and the check-in made after the backup, carried over.
    await expect.poll(() => host.logs.some((line) => line.includes('call restoreBackup ok'))).toBe(true);
    // Two entries: the supervisor's request, logged before the restore and carried over with the chain, and the restore itself.
    await expect.poll(() => countOf(host, `SELECT count(*) AS n FROM audit_log WHERE action = 'restoreBackup' AND outcome = 'ok' AND staff_id IS NOT NULL`)).toBe(2);
    expect(verifyAuditLog(host.db)).toMatchObject({ ok: true, problems: [] });
    expect(countOf(host, `SELECT count(*) AS n FROM dose_records WHERE id = ?`, (dose as { id: string }).id)).toBe(1);
    expect(countOf(host, `SELECT count(*) AS n FROM checkins WHERE ticket_number = ?`, T.okNw7)).toBe(1);
    const logged = host.db.prepare(`SELECT detail FROM audit_log WHERE action = 'restoreBackup' AND staff_id IS NOT NULL ORDER BY seq DESC LIMIT 1`).get() as { detail: string };
    expect(JSON.parse(logged.detail)).toEqual({ carriedOver: 1 });

    // And on screen, after signing in again: both people are known to have come.
    await page.close();
    const { page: again } = await openDesk(browser, host.url);
    await signIn(again, 'reception');
    await handheldScan(again, ticketLine(T.ok));
    expect((await nextVerdict(again, 0)).code).toBe('VACCINATED_TODAY');
    const seq = await currentSeq(again);
    await handheldScan(again, `A${T.okNw7}A`);
    expect((await nextVerdict(again, seq)).code).toBe('ALREADY_CHECKED_IN');
    await again.close();
    await host.close();
  });

  it('starts in recovery mode over a damaged database and restores a backup with a supervisor’s sign-in', async () => {
    writeFileSync(join(dataDir, DATABASE_FILE), randomBytes(64 * 1024));
    for (const side of ['-wal', '-shm']) if (existsSync(join(dataDir, DATABASE_FILE + side))) rmSync(join(dataDir, DATABASE_FILE + side));
    const host = await startTestHost({ dataDir });
    hosts.push(host);
    expect(host.app.runtime.mode).toBe('recovery');
    const { page } = await openDesk(browser, host.url);
    await page.getByTestId('screen-recovery').waitFor();
    await page.getByTestId('backup-plan').first().click();
    await page.getByTestId('restore-plan').waitFor();
    // Said before restoring: the current file cannot be read, so records made since the backup come back only if they were sent.
    expect(await page.getByTestId('restore-summary').textContent()).toContain('未送信のものは戻りません');
    expect(await page.locator('[data-testid="restore-count"][data-table="dose_records"]').getAttribute('data-in-backup')).toBe('1');
    await page.getByTestId('restore-login').fill(DEMO_STAFF.supervisor.login);
    await page.getByTestId('restore-password').fill(DEMO_STAFF.supervisor.password);
    // The supervisor's second factor as kept in the backup: a recovery code (the last, never used before here).
    await page.getByTestId('restore-code').fill(DEMO_RECOVERY_CODES[9] ?? '');
    await saveScreen(page, 'recovery');
    await page.getByTestId('restore-submit').click();
    await page.getByTestId('screen-signin').waitFor({ timeout: 30_000 });
    expect(host.app.runtime.mode).toBe('ready');
    // As said: the backup's dose is back; the check-in carried over after it was never sent, so it is gone.
    expect(countOf(host, `SELECT count(*) AS n FROM dose_records WHERE ticket_number = ?`, T.ok)).toBe(1);
    expect(countOf(host, `SELECT count(*) AS n FROM checkins WHERE ticket_number = ?`, T.okNw7)).toBe(0);
    await signIn(page, 'reception');
    await handheldScan(page, ticketLine(T.ok));
    expect((await nextVerdict(page, 0)).code).toBe('VACCINATED_TODAY');
    const seq = await currentSeq(page);
    await handheldScan(page, `A${T.okNw7}A`);
    expect((await nextVerdict(page, seq)).code).toBe('OK');
  });
});
