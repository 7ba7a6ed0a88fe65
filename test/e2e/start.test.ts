/**
 * `npm start` where the Electron binary cannot be had (this machine, CI):
 * it must still run the app, through the browser host on the demo venue,
 * print the address (BROWSER=none: no window), serve the working sign-in
 * page on 127.0.0.1, and stop cleanly on Ctrl+C (SIGINT).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { launchHost } from '../../host/launch';
import { electronBinary } from '../../scripts/electron';
import { launchChromium, openDesk } from './support/browser';
import { signIn } from './support/desk';

const ROOT = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'venue-start-'));
let browser: Browser | null = null;

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('npm start without Electron', () => {
  it('serves the app through the browser host on the demo venue, and stops on Ctrl+C', { timeout: 240_000 }, async (context) => {
    if (electronBinary()) {
      console.warn('SKIPPED: the Electron binary is installed here, so npm start launches Electron (see test/electron for its smoke test).');
      context.skip();
      return;
    }
    // scripts/start.ts as `npm start` runs it, from a folder of its own so the demo data lands there.
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'scripts/start.ts'), '--port', '0'], {
      cwd: work,
      env: { ...process.env, BROWSER: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const started = Date.now();
    await expect.poll(() => /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.test(output) || child.exitCode !== null, { timeout: 180_000, interval: 200 }).toBe(true);
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(output)?.[0];
    expect(url, output).toBeDefined();
    console.log(`npm start (browser host) answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(output).toContain('browser host');
    expect(output).toContain('BROWSER=none');
    expect(existsSync(join(work, 'venue-demo', 'venue.db'))).toBe(true);

    browser = await launchChromium();
    const { page } = await openDesk(browser, url ?? '');
    await page.getByTestId('screen-signin').waitFor();
    await signIn(page, 'reception');
    await page.close();

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
  });
});

describe('the host launcher', () => {
  it('takes a free port when the usual one is in use, and leaves the data folder usable', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((done) => blocker.once('listening', done));
    const taken = (blocker.address() as AddressInfo).port;
    const lines: string[] = [];
    const options = { dataDir: join(work, 'launcher'), demo: true, passphraseEnv: 'VENUE_TEST_UNSET_PASSPHRASE', buildRenderer: 'if-missing', openWindow: false, print: (line: string) => lines.push(line) } as const;
    try {
      await expect(launchHost({ ...options, port: taken })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const launched = await launchHost({ ...options, port: taken, anyPortIfTaken: true });
      expect(launched.host.port).not.toBe(taken);
      expect(lines.join('\n')).toContain(`Port ${taken} is in use`);
      await launched.stop();
    } finally {
      blocker.close();
    }
  });
});
