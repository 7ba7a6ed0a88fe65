/**
 * Disk space on screen, in real Chromium. The host's data folder is a real
 * 64 MiB tmpfs, well under the 500 MB at which supervisors are warned: the
 * supervisor sees the warning, reception does not. Then the disk fills up:
 * a dose is refused as DISK_FULL, everyone sees that the disk is full, and
 * signing in still works.
 *
 * Mounting needs root (CI runs as root); anywhere else the test says loudly
 * that it was skipped.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../fixtures/demo';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { nextSupervisorCode, signIn } from './support/desk';
import { startTestHost, type TestHost } from './support/host';
import { fillDisk } from '../support/disk';

const isRoot = process.getuid?.() === 0;
let mount: string | null = null;
let browser: Browser | null = null;
let host: TestHost | null = null;

beforeAll(async () => {
  if (!isRoot) return;
  mount = mkdtempSync(join(tmpdir(), 'venue-e2e-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0700', 'tmpfs', mount]);
  host = await startTestHost({ dataDir: mount });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  if (mount) {
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  }
});

describe('disk space on screen', () => {
  it('warns the supervisor when space is low, and everyone when the disk is full; sign-in still works', async (context) => {
    if (!mount || !host || !browser) {
      console.warn('SKIPPED: the disk-space end-to-end test mounts a tmpfs, which needs root (CI runs it as root).');
      context.skip();
      return;
    }
    const supervisor = (await openDesk(browser, host.url)).page;
    await signIn(supervisor, 'supervisor');
    const warning = supervisor.getByTestId('disk-warning');
    await expect.poll(() => warning.getAttribute('data-state')).toBe('low');
    expect(await warning.textContent()).toMatch(/ディスクの空きが少なく/);
    await saveScreen(supervisor, 'disk-low-supervisor');
    const reception = (await openDesk(browser, host.url)).page;
    await signIn(reception, 'reception');
    await reception.getByTestId('sync-status').waitFor();
    expect(await reception.getByTestId('disk-warning').count()).toBe(0);

    // The disk fills: the next record that does not fit is refused, and everyone is told.
    fillDisk(mount);
    const desk = host.connect();
    const code = nextSupervisorCode(new URL(host.url).host);
    expect(desk.call('signIn', { login: DEMO_STAFF.supervisor.login, password: DEMO_STAFF.supervisor.password, code }).ok).toBe(true);
    let refused: string | null = null;
    for (let i = 0; i < 500 && !refused; i++) {
      // Lots are records like doses; the log's own room is used up first, then nothing fits.
      const reply = desk.call('addLot', { productId: 'PFZ-COMIRNATY', lotNumber: `DF${String(i).padStart(4, '0')}`, expiry: '2027-06-30' });
      if (!reply.ok) refused = reply.error.code;
    }
    expect(refused).toBe('DISK_FULL');
    await expect.poll(() => reception.getByTestId('disk-warning').getAttribute('data-state'), { timeout: 40_000 }).toBe('full');
    expect(await reception.getByTestId('disk-warning').textContent()).toMatch(/ディスクがいっぱい/);
    await saveScreen(reception, 'disk-full-reception');
    // Signing in and out still works on the full disk.
    await reception.getByTestId('signout-button').click();
    await signIn(reception, 'nurse');
  });
});
