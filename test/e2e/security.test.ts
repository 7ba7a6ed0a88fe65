/**
 * What the page itself can and cannot do, in real Chromium: it cannot
 * navigate away, open windows or reach Node, and its policy refuses inline
 * script, eval and other origins. (The host's own guards — token, origin,
 * path traversal — are tested in host/server.test.ts.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../src/api/names';
import { launchChromium, openDesk, saveScreen } from './support/browser';
import { signIn } from './support/desk';
import { startTestHost, type TestHost } from './support/host';

let host: TestHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let elsewhere: Server;
let elsewhereUrl: string;
const elsewhereHits: string[] = [];

beforeAll(async () => {
  host = await startTestHost();
  // Another site on loopback, standing for "anywhere else".
  elsewhere = createServer((request, response) => {
    elsewhereHits.push(request.url ?? '');
    response.writeHead(200, { 'Content-Type': 'text/html', 'Access-Control-Allow-Origin': '*' });
    response.end('<html><body>ELSEWHERE</body></html>');
  });
  await new Promise<void>((done) => elsewhere.listen(0, '127.0.0.1', done));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`;
  browser = await launchChromium();
  ({ context, page } = await openDesk(browser, host.url));
  await signIn(page, 'supervisor');
});

afterAll(async () => {
  await browser?.close();
  await host?.dispose();
  await new Promise<void>((done) => elsewhere.close(() => done()));
});

describe('the page', () => {
  it('cannot reach Node: no process, require, Buffer, module or global, in the page or the decode worker', async () => {
    const probe = () => ['process', 'require', 'Buffer', 'module', 'global', '__dirname'].map((name) => `${name}:${typeof (globalThis as Record<string, unknown>)[name]}`);
    const inPage = await page.evaluate(probe);
    expect(inPage.every((entry) => entry.endsWith(':undefined'))).toBe(true);
    await page.getByTestId('nav-reception').click();
    // The scanner may restart its worker while the screen settles: ask the newest live one, again if it went away.
    const inWorker = async () => {
      const worker = page.workers().at(-1);
      if (!worker) return null;
      try {
        return await worker.evaluate(probe);
      } catch {
        return null;
      }
    };
    await expect.poll(inWorker, { timeout: 10_000 }).not.toBeNull();
    const answer = await inWorker();
    expect(answer?.length).toBe(6);
    expect(answer?.every((entry) => entry.endsWith(':undefined'))).toBe(true);
  });

  it('sees window.venue as exactly the contract’s operations plus subscribe, frozen', async () => {
    const shape = await page.evaluate(() => ({
      keys: Object.keys(window.venue).sort(),
      frozen: Object.isFrozen(window.venue),
      replaced: (() => {
        try {
          (window as unknown as { venue: unknown }).venue = {};
        } catch {
          // strict-mode assignment to a read-only property
        }
        return typeof window.venue.signIn === 'function';
      })(),
    }));
    expect(shape.keys).toEqual([...OPERATION_NAMES, 'subscribe'].sort());
    expect(shape.frozen).toBe(true);
    expect(shape.replaced).toBe(true);
  });

  it('gets UNKNOWN_OPERATION for anything outside the contract, even over its own socket', async () => {
    const reply = await page.evaluate(async () => {
      const fn = (window.venue as unknown as Record<string, unknown>).eval;
      return typeof fn;
    });
    expect(reply).toBe('undefined');
    const logged = host.logs.length;
    // The page's socket is the shim's; a second one with the same token from the page is allowed, an unknown name is not.
    const answer = await page.evaluate(
      (token) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/__host/ws?token=${encodeURIComponent(token)}`);
          ws.onopen = () => ws.send(JSON.stringify({ id: 1, op: 'dropDatabase', input: {} }));
          ws.onmessage = (m) => {
            resolve(JSON.parse(String(m.data)).reply.error.code);
            ws.close();
          };
          ws.onerror = () => resolve('socket error');
        }),
      host.token,
    );
    expect(answer).toBe('UNKNOWN_OPERATION');
    expect(host.logs.slice(logged).join('\n')).not.toContain('dropDatabase');
  });

  it('cannot open windows', async () => {
    const before = context.pages().length;
    const opened = await page.evaluate((url) => String(window.open(url)), elsewhereUrl);
    // window.open answers null only when it opened no window (a popup would be a context page from this moment on).
    expect(opened).toBe('null');
    expect(context.pages().length).toBe(before);
    expect(elsewhereHits.length).toBe(0);
  });

  it('cannot navigate away: script, links, forms and drops all leave the app where it is', async () => {
    const app = page.url();
    // Each attempt starts a navigation whose navigate event (Navigation API) the app's guard cancels.
    // A listener added now runs after the guard's: it records each attempt and whether it was cancelled,
    // so the test waits for that event (the one that would have carried the page away), not for time to pass.
    await page.evaluate(() => {
      const seen: { url: string; cancelled: boolean }[] = [];
      Object.assign(window, { navigationsSeen: seen });
      (window as unknown as { navigation: EventTarget }).navigation.addEventListener('navigate', (event) => {
        const e = event as Event & { destination: { url: string } };
        seen.push({ url: e.destination.url, cancelled: e.defaultPrevented });
      });
    });
    const attempted = async (n: number) => {
      await page.waitForFunction((count) => (window as unknown as { navigationsSeen: unknown[] }).navigationsSeen.length >= count, n);
      const seen = await page.evaluate(() => (window as unknown as { navigationsSeen: { url: string; cancelled: boolean }[] }).navigationsSeen);
      expect(seen.at(n - 1)).toEqual({ url: elsewhereUrl, cancelled: true });
    };
    await page.evaluate((url) => {
      location.href = url;
    }, elsewhereUrl);
    await attempted(1);
    await page.evaluate((url) => location.assign(url), elsewhereUrl);
    await attempted(2);
    await page.evaluate((url) => {
      const a = document.createElement('a');
      a.href = url;
      a.textContent = 'elsewhere';
      a.id = 'evil-link';
      document.body.append(a);
    }, elsewhereUrl);
    await page.locator('#evil-link').click();
    await attempted(3);
    await page.evaluate((url) => {
      const form = document.createElement('form');
      form.action = url;
      form.method = 'post';
      document.body.append(form);
      form.submit();
    }, elsewhereUrl);
    await attempted(4);
    // A drop the page does not cancel is what navigates to it: dispatchEvent answers false once a listener cancelled it.
    const dropTaken = await page.evaluate((url) => {
      const data = new DataTransfer();
      data.setData('text/uri-list', url);
      return document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, elsewhereUrl);
    expect(dropTaken).toBe(false);
    // The drop started no navigation at all.
    expect(await page.evaluate(() => (window as unknown as { navigationsSeen: unknown[] }).navigationsSeen.length)).toBe(4);
    expect(page.url()).toBe(app);
    expect(elsewhereHits.length).toBe(0);
    expect(await page.getByTestId('staff-name').textContent()).toBe('管理 花子');
  });

  it('runs no inline or injected script, no eval, and talks to no other origin', async () => {
    // Code run from the test's evaluate is exempt from the page's eval rules, so
    // every probe runs later, from a task of the page's own.
    const result = await page.evaluate(
      (url) =>
        new Promise<Record<string, unknown>>((resolve) => {
          const w = window as unknown as { injected?: boolean; evalRan?: boolean };
          const violations: string[] = [];
          Object.assign(window, { cspViolations: violations });
          document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.effectiveDirective}:${event.blockedURI}`));
          const script = document.createElement('script');
          script.textContent = 'window.injected = true';
          document.head.append(script);
          // A string timer is eval by another name.
          (setTimeout as unknown as (code: string, ms: number) => void)('window.evalRan = true', 0);
          setTimeout(async () => {
            let fnBlocked = false;
            try {
              new Function('return 1')();
            } catch {
              fnBlocked = true;
            }
            let fetchBlocked = false;
            try {
              await fetch(url);
            } catch {
              fetchBlocked = true;
            }
            const img = await new Promise<string>((done) => {
              const i = new Image();
              i.onload = () => done('loaded');
              i.onerror = () => done('blocked');
              i.src = `${url}pixel.png`;
            });
            resolve({ injected: w.injected === true, evalRan: w.evalRan === true, fnBlocked, fetchBlocked, img });
          }, 0);
        }),
      elsewhereUrl,
    );
    expect(result).toMatchObject({ injected: false, evalRan: false, fnBlocked: true, fetchBlocked: true, img: 'blocked' });
    // The reports arrive as events of their own, after the probes: wait for them rather than for a while.
    const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    await expect.poll(async () => (await violations()).some((v) => v.startsWith('script-src-elem:inline'))).toBe(true);
    await expect.poll(async () => (await violations()).some((v) => v.startsWith('script-src:eval'))).toBe(true);
    await expect.poll(async () => (await violations()).some((v) => v.startsWith('connect-src:'))).toBe(true);
    expect(elsewhereHits.length).toBe(0);
  });

  it('is served with a strict policy and without the token in the address bar', async () => {
    const response = await page.request.get(host.origin + '/');
    const csp = response.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/'unsafe-eval'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('sandbox');
    expect(csp).not.toContain('allow-popups');
    expect(page.url()).not.toContain(host.token);
    await saveScreen(page, 'supervisor-security-check');
  });
});
