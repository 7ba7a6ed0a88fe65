import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveAppRequest } from './protocol';
import { APP_ORIGIN } from './security';

const dir = mkdtempSync(join(tmpdir(), 'venue-protocol-'));
const root = join(dir, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(dir, 'secret.txt'), 'SECRET OUTSIDE THE RENDERER');
symlinkSync(join(dir, 'secret.txt'), join(root, 'assets', 'link.txt'));
symlinkSync(dir, join(root, 'up'));
symlinkSync(join(root, 'assets', 'app.js'), join(root, 'inside-link.js'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the app:// protocol', () => {
  it('serves the renderer’s files with the CSP', async () => {
    const response = await serveAppRequest(root, `${APP_ORIGIN}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    expect(await response.text()).toContain('<title>app</title>');
    expect((await serveAppRequest(root, `${APP_ORIGIN}/inside-link.js`)).status).toBe(200);
  });

  it('never follows a symlink out of the renderer folder', async () => {
    for (const path of ['/assets/link.txt', '/up/secret.txt']) {
      const response = await serveAppRequest(root, `${APP_ORIGIN}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('SECRET');
    }
  });
});
